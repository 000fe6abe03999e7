export * from "./volume-name.ts";
export * from "./volume-store.ts";
export * from "./volume-service.ts";

export * from "./errors.ts";
export * from "./error-catalog.ts";
export * from "./log.ts";

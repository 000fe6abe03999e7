export * from "./version.ts";
export * from "./system.ts";
export * from "./image.ts";
export * from "./volume.ts";
export * from "./container.ts";
export * from "./event.ts";
export * from "./network.ts";

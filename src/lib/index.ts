export * from "./errors.ts";
export * from "./error-catalog.ts";
export * from "./log.ts";
export * from "./mutex.ts";
export * from "./decompress-stream.ts";
export * from "./native.ts";
export * from "./human-duration.ts";
export * from "./detach-keys.ts";

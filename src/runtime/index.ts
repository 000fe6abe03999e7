export * from "./monitor/index.ts";
export * from "./spec/index.ts";
export * from "./logs/index.ts";

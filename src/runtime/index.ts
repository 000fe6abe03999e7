export * from "./monitor/index.ts";
export * from "./spec/index.ts";

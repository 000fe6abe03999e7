export * from "./monitor/index.ts";
export * from "./spec/index.ts";
export * from "./logs/index.ts";
export * from "./host/read-runtime-host-facts.ts";
export * from "./host/read-host-devices.ts";
export * from "./exec/index.ts";

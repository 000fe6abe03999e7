// src/container: the container model (records, state, names) and its SQLite store. No runtime:
// starting processes lives in src/runtime and is driven by the daemon.
export * from "./capabilities.ts";
export * from "./container-name.ts";
export * from "./container-state.ts";
export * from "./container-store.ts";
export * from "./errors.ts";
export * from "./host-limits.ts";
export * from "./bind-spec.ts";
export * from "./health.ts";
export * from "./mount-spec.ts";
export * from "./container-volumes.ts";
export * from "./parse-signal.ts";
export * from "./cpuset-check.ts";
export * from "./port-spec-check.ts";

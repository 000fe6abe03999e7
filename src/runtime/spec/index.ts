// OCI runtime spec generation: config.json for a container, built the way Docker builds it.
export { buildSpec, DEFAULT_CGROUP_PARENT, OCI_VERSION } from "./build-spec.ts";
export { specToJson } from "./spec-json.ts";
export {
  ALL_CAPABILITIES,
  DEFAULT_CAPABILITIES,
  capabilityMask,
  containerCapabilities,
  normalizeCapability,
} from "./capabilities.ts";
export { containerSeccomp, translateSeccompProfile } from "./seccomp.ts";
export { parseSeccompProfile } from "./seccomp-profile-parse.ts";
export { DEFAULT_SECCOMP_PROFILE } from "./default-seccomp-profile.ts";
export { goArch, seccompArch } from "./arch.ts";
export { resolveUser } from "./user.ts";
export type { ExecUser, ResolveUserOptions } from "./user.ts";
export { linuxResources, validateResources, MIN_MEMORY } from "./resources.ts";
export { containerRlimits, parseUlimit, DEFAULT_NOFILE } from "./ulimits.ts";
export type { Ulimit } from "./ulimits.ts";
export { DEFAULT_SHM_SIZE, defaultMounts } from "./default-mounts.ts";
export { maskedPaths, readonlyPaths } from "./masked-paths.ts";
export { DEFAULT_PATH } from "./env.ts";
export { INIT_PATH } from "./user-mounts.ts";
export type * from "./types.ts";
export { execProcessSpec, parseSpecJson, type ExecProcessInput } from "./exec-process.ts";

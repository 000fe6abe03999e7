// Exec processes without `runc exec`: native/berth_exec.c joins a running container's
// namespaces and cgroups and starts the process as runc would (see that file for why).
export { execHelperConfig, type ExecHelperInput } from "./exec-helper-config.ts";
export {
  cgroupProcsPaths,
  hostCgroupLayout,
  processCgroupProcs,
  type CgroupLayout,
} from "./cgroup-procs-paths.ts";
export { spawnExecHelper, type ExecHelper, type ExecStdio } from "./spawn-exec-helper.ts";
export { seccompCachePath } from "./seccomp-cache-path.ts";

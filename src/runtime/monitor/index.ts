// The runtime driver: runc wrappers and the conmon monitor (start, exit records, live restore).
export { Runc, DEFAULT_RUNTIME, type RuncOptions } from "./runc.ts";
export type { RuntimeState, RuntimeStatus } from "./runtime-state.ts";
export { startContainer, type StartContainerOptions, type StartedContainer } from "./conmon.ts";
export { readExit, waitForExit, type ContainerExit, type WaitForExitOptions } from "./exit-file.ts";
export {
  scanMonitors,
  listMonitored,
  type MonitoredContainer,
  type MonitorStatus,
  type ScanOptions,
} from "./adopt.ts";
export { execRootLayout, monitorPaths, type ExecRootLayout, type MonitorPaths } from "./paths.ts";
export { forgetMonitor } from "./forget.ts";
export { runProbe, probeProcess, type ProbeOptions, type ProbeOutcome } from "./run-probe.ts";
export { lastRuntimeError, logOffset } from "./runtime-log.ts";
export {
  connectAttachSocket,
  resizeContainerTerminal,
  ATTACH_STDOUT,
  ATTACH_STDERR,
  ATTACH_MAX_PACKET,
} from "./attach-socket.ts";
export { resolveBinary } from "./resolve-binary.ts";

// Container logs: conmon's k8s-file read back with `docker logs` semantics, Engine API framing,
// and Docker-style rotation driven through conmon's control fifo.
export {
  K8sFileParser,
  PartialJoiner,
  type LogMessage,
  type LogRecord,
  type LogStream,
} from "./k8s-file-parse.ts";
export { toLogTime, apiTimeToLogTime } from "./log-time.ts";
export { tailStart, type LogPosition } from "./tail-offset.ts";
export { readLogs, readLogBatches, type ReadLogsOptions } from "./log-reader.ts";
export {
  encodeLogFrames,
  decodeLogFrames,
  STREAM_ID,
  type DecodedFrame,
  type FrameOptions,
} from "./log-frames.ts";
export {
  conmonCtlPath,
  rotatedLogPaths,
  rotateLog,
  watchLogRotation,
  type LogRotator,
  type LogRotatorOptions,
} from "./rotation.ts";
export {
  parseLogConfig,
  parseLogSize,
  DEFAULT_LOG_MAX_FILES,
  DEFAULT_LOG_MAX_SIZE,
  type LogConfig,
  type LogDriver,
} from "./log-config.ts";

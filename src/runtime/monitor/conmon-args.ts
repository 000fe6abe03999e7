// The conmon command line for `runtime create`, as podman's libpod builds it, checked against
// conmon 2.1.6's own option table (src/cli.c). Pure, so the exact argv is unit-tested.
import { join } from "node:path";
import { execRootLayout, monitorPaths } from "./paths.ts";

export interface ConmonArgsOptions {
  /** Absolute path of conmon. */
  readonly conmon: string;
  /** Absolute path of the OCI runtime (conmon execv()s it, no PATH search). */
  readonly runtimePath: string;
  /** Flags conmon puts before `create` (runc --root/--log/--log-format). */
  readonly runtimeGlobalArgs: readonly string[];
  readonly execRoot: string;
  readonly id: string;
  readonly name: string;
  readonly bundle: string;
  /** conmon writes the container's stdout/stderr here in the CRI "k8s-file" format. */
  readonly logPath: string;
  /** Allocate a pty (runc --console-socket); config.json must say terminal: true. */
  readonly terminal: boolean;
  /** Keep a pipe to the container's stdin, fed through the attach socket. */
  readonly stdin: boolean;
  /** --leave-stdin-open: an attach client's EOF does not close the container's stdin. */
  readonly leaveStdinOpen?: boolean;
  /** Bytes after which conmon reopens (truncates) the log; unset means unbounded. */
  readonly logSizeMax?: number;
}

export function containerPidFile(bundle: string): string {
  return join(bundle, "pidfile");
}

export function conmonArgs(o: ConmonArgsOptions): string[] {
  const layout = execRootLayout(o.execRoot);
  const paths = monitorPaths(o.execRoot, o.id);
  const argv = [
    o.conmon,
    // A flag in 2.1.6 (G_OPTION_ARG_NONE): it sets version 1, the {"data": n} sync protocol.
    "--api-version",
    "-c",
    o.id,
    "-u",
    o.id,
    "-r",
    o.runtimePath,
    "-b",
    o.bundle,
    "-p",
    containerPidFile(o.bundle),
    "-n",
    o.name,
    "--exit-dir",
    layout.exitDir,
    "--persist-dir",
    paths.dir,
    // Ignored when --full-attach is given, but its default /var/run/crio does not exist here
    // and a future flag change must not make conmon fall back to it.
    "--socket-dir-path",
    layout.socketDir,
    // Attach socket at <bundle>/attach; the caller keeps bundle paths short enough (108 bytes).
    "--full-attach",
    "-l",
    `k8s-file:${o.logPath}`,
    "--log-level",
    "info",
    "--conmon-pidfile",
    paths.conmonPidFile,
  ];
  for (const arg of o.runtimeGlobalArgs) argv.push("--runtime-arg", arg);
  if (o.logSizeMax !== undefined) argv.push("--log-size-max", String(o.logSizeMax));
  if (o.terminal) argv.push("-t");
  if (o.stdin) argv.push("-i");
  if (o.stdin && o.leaveStdinOpen === true) argv.push("--leave-stdin-open");
  return argv;
}

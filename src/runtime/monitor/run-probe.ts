// Runs one short command inside a running container and collects its combined output, exit code
// and whether it ran out of time: `runc exec --process <file>` with a process derived from the
// container's own (OCI runtime spec config.md "process": its env, user, cwd, capabilities and
// rlimits; never a terminal). Used by healthchecks; the user-facing `docker exec` is separate.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { execRootLayout, monitorPaths } from "./paths.ts";

export interface ProbeOptions {
  /** runc (or a compatible runtime) by name or path. */
  runtime: string;
  execRoot: string;
  id: string;
  /** The container's OCI bundle (holds the config.json it was started with). */
  bundle: string;
  argv: readonly string[];
  timeoutMs: number;
  /** Output beyond this many bytes is dropped (Docker keeps 4 KiB). */
  maxOutput: number;
}

export interface ProbeOutcome {
  /** The command's exit code; -1 when it could not be judged (timeout, killed by a signal). */
  exitCode: number;
  output: string;
  timedOut: boolean;
}

/** The container's process with another argv, no terminal (runc exec's --process JSON). */
export function probeProcess(containerProcess: Record<string, unknown>, argv: readonly string[]): object {
  const { consoleSize: _c, terminal: _t, ...rest } = containerProcess;
  return { ...rest, terminal: false, args: [...argv] };
}

export async function runProbe(options: ProbeOptions): Promise<ProbeOutcome> {
  const spec = JSON.parse(await readFile(join(options.bundle, "config.json"), "utf8")) as {
    process?: Record<string, unknown>;
  };
  const suffix = randomBytes(6).toString("hex");
  const processFile = join(options.bundle, `probe-${suffix}.json`);
  const pidFile = join(options.bundle, `probe-${suffix}.pid`);
  await writeFile(processFile, JSON.stringify(probeProcess(spec.process ?? {}, options.argv)));
  try {
    return await execute(options, processFile, pidFile);
  } finally {
    await rm(processFile, { force: true });
    await rm(pidFile, { force: true });
  }
}

function execute(options: ProbeOptions, processFile: string, pidFile: string): Promise<ProbeOutcome> {
  const args = [
    `--root=${execRootLayout(options.execRoot).runcRoot}`,
    `--log=${monitorPaths(options.execRoot, options.id).runtimeLog}`,
    "--log-format=json",
    "exec",
    "--process",
    processFile,
    "--pid-file",
    pidFile,
    options.id,
  ];
  return new Promise((resolve, reject) => {
    // runc exec without a terminal hands its own stdio to the process: both streams land here.
    const child = spawn(options.runtime, args, { stdio: ["ignore", "pipe", "pipe"] });
    const chunks: Buffer[] = [];
    let kept = 0;
    const collect = (chunk: Buffer): void => {
      if (kept >= options.maxOutput) return;
      const part = chunk.subarray(0, options.maxOutput - kept);
      chunks.push(part);
      kept += part.length;
    };
    child.stdout.on("data", collect);
    child.stderr.on("data", collect);
    let timedOut = false;
    let grace: NodeJS.Timeout | undefined;
    const timer = setTimeout(() => {
      timedOut = true;
      // Kill the probe process itself (runc exits once it is gone); runc too if it lingers.
      void readFile(pidFile, "utf8")
        .then((pid) => process.kill(Number(pid.trim()), "SIGKILL"))
        .catch(() => undefined);
      grace = setTimeout(() => child.kill("SIGKILL"), 2000);
    }, options.timeoutMs);
    child.on("error", (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      clearTimeout(grace);
      resolve({
        exitCode: timedOut || code === null ? -1 : code,
        output: Buffer.concat(chunks).toString("utf8"),
        timedOut,
      });
    });
  });
}

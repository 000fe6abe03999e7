// Runs one short command inside a running container and collects its combined output, exit code
// and whether it ran out of time: the container's own process (OCI runtime spec config.md
// "process": its env, user, cwd, capabilities, rlimits and seccomp; never a terminal) with the
// probe's argv, started by berth-exec (native/berth_exec.c, src/runtime/exec/) as `docker exec`
// is: `runc exec` would cost two Go runtime starts per probe. Used by healthchecks.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import {
  execHelperConfig,
  hostCgroupLayout,
  processCgroupProcs,
  seccompCachePath,
  spawnExecHelper,
  type CgroupLayout,
} from "../exec/index.ts";
import { parseSpecJson, type SpecProcess } from "../spec/index.ts";
import { execRootLayout } from "./paths.ts";
import { runningInitPid } from "./runc-direct.ts";

export interface ProbeOptions {
  /** runc (or a compatible runtime) by name or path; its state dir gives the init's pid. */
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

/** The container's process with another argv, no terminal. */
export function probeProcess(containerProcess: SpecProcess, argv: readonly string[]): SpecProcess {
  const { consoleSize: _c, ...rest } = containerProcess as SpecProcess & { consoleSize?: unknown };
  return { ...rest, terminal: false, args: [...argv] };
}

let layout: CgroupLayout | undefined;

export async function runProbe(options: ProbeOptions): Promise<ProbeOutcome> {
  const spec = parseSpecJson(await readFile(join(options.bundle, "config.json"), "utf8"));
  const initPid = await runningInitPid(execRootLayout(options.execRoot).runcRoot, options.id);
  if (initPid === undefined) return { exitCode: -1, output: "container is not running", timedOut: false };
  layout ??= hostCgroupLayout();
  const seccomp = spec.linux?.seccomp;
  const config = execHelperConfig({
    containerId: options.id,
    initPid,
    process: probeProcess(spec.process, options.argv),
    namespaces: spec.linux?.namespaces ?? [],
    cgroupProcs: processCgroupProcs(initPid, layout),
    ...(seccomp === undefined ? {} : { seccomp, seccompCache: seccompCachePath(options.bundle, seccomp) }),
  });
  return new Promise((resolve, reject) => {
    const helper = spawnExecHelper(config, ["ignore", "pipe", "pipe"]);
    const child = helper.child;
    const chunks: Buffer[] = [];
    let kept = 0;
    const collect = (chunk: Buffer): void => {
      if (kept >= options.maxOutput) return;
      const part = chunk.subarray(0, options.maxOutput - kept);
      chunks.push(part);
      kept += part.length;
    };
    child.stdout?.on("data", collect);
    child.stderr?.on("data", collect);
    let timedOut = false;
    let grace: NodeJS.Timeout | undefined;
    const timer = setTimeout(() => {
      timedOut = true;
      // Kill the probe process itself (the helper exits once it is gone); the helper too if it lingers.
      void helper.pid.then((pid) => {
        try {
          if (pid > 0) process.kill(pid, "SIGKILL");
        } catch {
          // already gone
        }
      });
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

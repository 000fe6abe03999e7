// Runs a short-lived child (runc, conmon's --version) and collects what a failure report needs:
// argv, exit code, stdout, and the tail of stderr.
import { spawn } from "node:child_process";

export interface ProcessResult {
  readonly argv: readonly string[];
  /** null when the process was killed by a signal. */
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderrTail: string;
}

/** Enough stderr to hold runc's or conmon's last message, bounded for memory. */
const STDERR_TAIL_BYTES = 4096;

export function runProcess(
  argv: readonly string[],
  options: { timeoutMs?: number } = {},
): Promise<ProcessResult> {
  const [file, ...args] = argv;
  if (file === undefined) return Promise.reject(new Error("runProcess: empty argv"));
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, {
      stdio: ["ignore", "pipe", "pipe"],
      ...(options.timeoutMs === undefined ? {} : { timeout: options.timeoutMs }),
    });
    const stdout: Buffer[] = [];
    let stderr = Buffer.alloc(0);
    child.stdout.on("data", (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => {
      stderr = Buffer.concat([stderr, chunk]);
      if (stderr.length > STDERR_TAIL_BYTES) stderr = stderr.subarray(stderr.length - STDERR_TAIL_BYTES);
    });
    child.on("error", reject);
    child.on("close", (exitCode, signal) => {
      resolve({
        argv,
        exitCode,
        signal,
        stdout: Buffer.concat(stdout).toString("utf8"),
        stderrTail: stderr.toString("utf8").trim(),
      });
    });
  });
}

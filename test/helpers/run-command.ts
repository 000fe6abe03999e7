// Runs a child process to completion, collecting its output, for tests and fixture builders.
import { spawn } from "node:child_process";
import { createReadStream } from "node:fs";
import type { Readable } from "node:stream";

export interface RunOptions {
  /** Bytes for stdin, a stream piped to stdin, or `{ file }` to stream a file. Default: none. */
  input?: string | Uint8Array | Readable | { file: string };
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Kill the child with SIGKILL after this long; the result then has signal "SIGKILL". */
  timeoutMs?: number;
}

export interface RunResult {
  /** Exit code, or null when the child died of a signal. */
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** stdout as bytes, for binary output (e.g. `docker save` to stdout). */
  stdoutBytes: Buffer;
}

export async function runCommand(
  file: string,
  args: readonly string[],
  options: RunOptions = {},
): Promise<RunResult> {
  const child = spawn(file, args, {
    stdio: ["pipe", "pipe", "pipe"],
    env: options.env ?? process.env,
    ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
  });
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  child.stdout.on("data", (chunk: Buffer) => stdout.push(chunk));
  child.stderr.on("data", (chunk: Buffer) => stderr.push(chunk));
  // A child that exits without reading all of stdin makes writes fail with EPIPE: not our error.
  child.stdin.on("error", () => {});

  const timer =
    options.timeoutMs === undefined ? undefined : setTimeout(() => child.kill("SIGKILL"), options.timeoutMs);
  const done = new Promise<[number | null, NodeJS.Signals | null]>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code, signal) => resolve([code, signal]));
  });

  const input = options.input;
  if (input === undefined) child.stdin.end();
  else if (typeof input === "string" || input instanceof Uint8Array) child.stdin.end(input);
  else if ("file" in input && typeof input.file === "string") createReadStream(input.file).pipe(child.stdin);
  else (input as Readable).pipe(child.stdin);

  try {
    const [code, signal] = await done;
    const stdoutBytes = Buffer.concat(stdout);
    return {
      code,
      signal,
      stdout: stdoutBytes.toString("utf8"),
      stderr: Buffer.concat(stderr).toString("utf8"),
      stdoutBytes,
    };
  } finally {
    if (timer !== undefined) clearTimeout(timer);
  }
}

/** Like runCommand, but throws (with argv, exit status and stderr) unless the exit code is 0. */
export async function runChecked(
  file: string,
  args: readonly string[],
  options: RunOptions = {},
): Promise<RunResult> {
  const result = await runCommand(file, args, options);
  if (result.code !== 0) {
    const status = result.signal === null ? `exit code ${result.code}` : `signal ${result.signal}`;
    throw new Error(
      `${[file, ...args].join(" ")} failed with ${status}: ${result.stderr.trim().slice(-4000)}`,
    );
  }
  return result;
}

// The build context upload: a tar (plain or compressed) streamed straight into GNU tar, which
// refuses `..` members and never follows a symlink it just made out of the directory; a size
// cap keeps a runaway upload from filling the disk.
import { spawn } from "node:child_process";
import { posix } from "node:path";
import type { Readable } from "node:stream";
import { detectCompression, EngineError, invalidArgument } from "../lib/index.ts";

/** Docker refuses contexts beyond what it can store; we cap uploads to keep the disk safe. */
export const MAX_CONTEXT_BYTES = Number(process.env.BERTH_MAX_BUILD_CONTEXT ?? 8 * 1024 * 1024 * 1024);

export function cleanContextPath(p: string): string {
  const rel = posix.normalize(p.replace(/^\/+/, ""));
  if (rel === ".." || rel.startsWith("../")) {
    throw invalidArgument("BUILD_DOCKERFILE_OUTSIDE", `forbidden path outside the build context: ${p}`);
  }
  return rel;
}

/**
 * Unpacks the uploaded context (plain or compressed tar) with GNU tar, which refuses `..`
 * members. The request body is piped straight into tar (decompressing there too): going through
 * async iterators cost ~40% more time on a 200 MB context.
 */
export async function extractContext(source: Readable, dir: string): Promise<void> {
  const head = await readHead(source, 6);
  const compression = detectCompression(head);
  const flags = { none: [], gzip: ["-z"], bzip2: ["-j"], xz: ["-J"], zstd: ["--zstd"] }[compression];
  // 1 MiB records read whole from the pipe (-b 2048 -B): GNU tar's default 10 KiB records cost
  // a read and a write per 10 KiB, ~20% of the time a 200 MB context takes to unpack.
  const tar = spawn("tar", ["-x", ...flags, "-b", "2048", "-B", "--no-same-owner", "-C", dir], {
    stdio: ["pipe", "ignore", "pipe"],
  });
  let stderr = "";
  tar.stderr.on("data", (d: Buffer) => {
    if (stderr.length < 4096) stderr += d.toString();
  });
  tar.stdin.on("error", () => undefined); // tar exiting early is reported by its exit status
  const exited = new Promise<number>((resolve) => tar.on("close", (code) => resolve(code ?? 1)));
  let bytes = head.length;
  let failure: EngineError | undefined;
  const ended = new Promise<void>((resolve) => {
    source.on("data", (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes > MAX_CONTEXT_BYTES && failure === undefined) {
        failure = invalidArgument(
          "BUILD_CONTEXT_TOO_LARGE",
          `build context is larger than the limit of ${MAX_CONTEXT_BYTES} bytes`,
        );
        source.unpipe(tar.stdin);
        tar.kill("SIGKILL");
        source.resume(); // drain the rest so the client sees the error, not a reset
        resolve();
      }
    });
    source.on("end", () => resolve());
    source.on("error", (err) => {
      failure ??= invalidArgument("BUILD_CONTEXT", `error reading build context: ${err.message}`);
      tar.kill("SIGKILL");
      resolve();
    });
  });
  if (source.readableEnded) {
    tar.stdin.end(head); // the whole body was in the head (tiny or empty upload)
  } else {
    tar.stdin.write(head);
    source.pipe(tar.stdin);
    await ended;
  }
  const code = await exited;
  if (failure) throw failure;
  if (code !== 0) throw unpackError(stderr);
}

/** What GNU tar's failure means: the daemon's disk is full, or the archive is bad. */
export function unpackError(stderr: string): EngineError {
  // GNU tar's own words name the bad member ("x/../../y: Member name contains '..'").
  const lines = stderr
    .trim()
    .split("\n")
    .map((l) => l.replace(/^tar: /, ""));
  const full = lines.find((l) => l.includes("No space left on device"));
  if (full !== undefined) {
    return new EngineError(
      "internal",
      "BUILD_CONTEXT_NO_SPACE",
      `no space left on device while unpacking the build context: ${full}`,
    );
  }
  const reason =
    lines.find((l) => !l.startsWith("Removing leading") && !l.startsWith("Exiting with")) ?? lines[0];
  return invalidArgument("BUILD_CONTEXT", `invalid build context archive: ${reason || "unreadable"}`);
}

/** The first `n` bytes (or all, if shorter) of a stream, leaving it paused. */
function readHead(source: Readable, n: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let length = 0;
    const finish = (): void => {
      source.off("data", onData);
      source.off("end", finish);
      source.off("error", reject);
      source.pause();
      resolve(Buffer.concat(chunks));
    };
    const onData = (chunk: Buffer): void => {
      chunks.push(chunk);
      length += chunk.length;
      if (length >= n) finish();
    };
    source.on("data", onData);
    source.on("end", finish);
    source.on("error", reject);
  });
}

// Where `--tail N` starts: found by reading the files backwards in chunks, so the last lines of
// a 100 MB log cost a few reads, not a parse of the whole log.
import { open } from "node:fs/promises";
import { lineKind } from "./k8s-file-parse.ts";

export interface LogPosition {
  /** Index into the paths given. */
  readonly index: number;
  readonly offset: number;
}

const CHUNK = 64 * 1024;
// Enough to see "<timestamp> stdout F" of a line.
const HEAD = 64;
const NL = 0x0a;

/**
 * The position of the first of the last `n` messages across `paths` (oldest first). A message
 * ends with an F line (P lines before it belong to it), as Docker counts lines of both streams;
 * P lines after a stream's last F line are one more, unfinished, message. Bytes after the last
 * newline (a line being written) do not count.
 */
export async function tailStart(paths: readonly string[], n: number): Promise<LogPosition> {
  let found = 0;
  // Per stream: a later line of it was seen, so its P lines are not the unfinished message.
  const later = { stdout: false, stderr: false };
  for (let index = paths.length - 1; index >= 0; index--) {
    const path = paths[index] ?? "";
    const fh = await open(path, "r").catch((err: NodeJS.ErrnoException) => {
      if (err.code === "ENOENT") return undefined;
      throw err;
    });
    if (fh === undefined) continue;
    try {
      const { size } = await fh.stat();
      const buf = Buffer.allocUnsafe(CHUNK);
      // The first bytes of the chunk after the current one: a line's head may straddle chunks.
      let laterHead = Buffer.alloc(0);
      // Offset just past the newline ending the line being scanned; -1 before the first newline.
      let lineEnd = -1;
      let end = size;
      while (end > 0) {
        const start = Math.max(0, end - CHUNK);
        const { bytesRead } = await fh.read(buf, 0, end - start, start);
        const chunk = buf.subarray(0, bytesRead);
        for (let i = chunk.length - 1; i >= -1; i--) {
          // i = -1 stands for "the line starts at this chunk's start" when the file starts there.
          if (i >= 0 && chunk[i] !== NL) continue;
          if (i < 0 && start > 0) break;
          const lineStart = start + i + 1;
          if (lineEnd >= 0) {
            const from = i + 1;
            const head =
              from + HEAD <= chunk.length
                ? chunk.subarray(from, from + HEAD)
                : Buffer.concat([chunk.subarray(from), laterHead]).subarray(0, HEAD);
            const kind = lineKind(head);
            if (kind !== undefined && (kind.full || !later[kind.stream])) {
              // This line ends the message before the n-th last one.
              if (found === n) return { index, offset: lineEnd };
              found++;
            }
            if (kind !== undefined) later[kind.stream] = true;
          }
          lineEnd = lineStart;
        }
        laterHead = Buffer.from(chunk.subarray(0, HEAD));
        end = start;
      }
    } finally {
      await fh.close();
    }
  }
  return { index: 0, offset: 0 };
}

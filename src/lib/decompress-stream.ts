// Sniffs an incoming stream's compression from its magic bytes and yields the plain bytes.
// `docker load` and `docker import` accept plain, gzip'd (and, for Docker, bzip2/xz) tarballs.
import { Readable } from "node:stream";
import { createGunzip } from "node:zlib";
import { invalidArgument } from "./errors.ts";

export type Compression = "none" | "gzip" | "bzip2" | "xz" | "zstd";

export function detectCompression(head: Uint8Array): Compression {
  if (head[0] === 0x1f && head[1] === 0x8b) return "gzip";
  if (head[0] === 0x42 && head[1] === 0x5a && head[2] === 0x68) return "bzip2";
  if (head[0] === 0xfd && head[1] === 0x37 && head[2] === 0x7a && head[3] === 0x58) return "xz";
  if (head[0] === 0x28 && head[1] === 0xb5 && head[2] === 0x2f && head[3] === 0xfd) return "zstd";
  return "none";
}

/** Returns the decompressed stream of `source` and the compression that was found. */
export async function decompressStream(
  source: AsyncIterable<Buffer>,
): Promise<{ stream: AsyncIterable<Buffer>; compression: Compression }> {
  const iterator = source[Symbol.asyncIterator]();
  const head: Buffer[] = [];
  let headLength = 0;
  let done = false;
  while (headLength < 6 && !done) {
    const next = await iterator.next();
    if (next.done) done = true;
    else {
      head.push(next.value);
      headLength += next.value.length;
    }
  }
  const compression = detectCompression(Buffer.concat(head));
  // The sniffed chunks, then the source's own iterator: no generator in between, whose extra
  // await per chunk shows in a 100 MB `docker load`.
  const replay = (): AsyncIterable<Buffer> => ({
    [Symbol.asyncIterator]: () => ({
      next: (): Promise<IteratorResult<Buffer>> => {
        const chunk = head.shift();
        if (chunk !== undefined) return Promise.resolve({ done: false, value: chunk });
        return done ? Promise.resolve({ done: true, value: undefined }) : iterator.next();
      },
      return: async (): Promise<IteratorResult<Buffer>> => {
        head.length = 0;
        if (!done) await iterator.return?.();
        return { done: true, value: undefined };
      },
    }),
  });
  if (compression === "none") return { stream: replay(), compression };
  if (compression === "gzip") return { stream: Readable.from(replay()).pipe(createGunzip()), compression };
  throw invalidArgument("UNSUPPORTED_COMPRESSION", `unsupported compression: ${compression}`);
}

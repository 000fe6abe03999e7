// Sniffs an incoming stream's compression from its magic bytes and yields the plain bytes.
// `docker load` and `docker import` accept plain, gzip'd (and, for Docker, bzip2/xz) tarballs.
// The one place that sniffs a whole stream (layer blobs have their own reader, src/diff).
import { Readable, pipeline } from "node:stream";
import { createGunzip } from "node:zlib";
import { invalidArgument } from "./errors.ts";
import { readBatches } from "./read-batches.ts";

export type Compression = "none" | "gzip" | "bzip2" | "xz" | "zstd";

/** Bytes that tell the compressions apart. */
const MAGIC_BYTES = 6;

export function detectCompression(head: Uint8Array): Compression {
  if (head[0] === 0x1f && head[1] === 0x8b) return "gzip";
  if (head[0] === 0x42 && head[1] === 0x5a && head[2] === 0x68) return "bzip2";
  if (head[0] === 0xfd && head[1] === 0x37 && head[2] === 0x7a && head[3] === 0x58) return "xz";
  if (head[0] === 0x28 && head[1] === 0xb5 && head[2] === 0x2f && head[3] === 0xfd) return "zstd";
  return "none";
}

/**
 * The decompressed bytes of `source` in batches of chunks, and the compression that was found.
 * A Readable (a request body, a file) is read with readBatches: no copy, one await per batch
 * rather than per chunk (a measured speed-up of `docker load`); a plain one's batches are
 * handed on as they are. Leaving the batches early destroys a Readable source, or with
 * `onLeave: "drain"` reads its rest and drops it (see readBatches).
 */
export async function decompressBatches(
  source: AsyncIterable<Buffer>,
  onLeave: "destroy" | "drain" = "destroy",
): Promise<{ batches: AsyncIterable<Buffer[]>; compression: Compression }> {
  const input = source instanceof Readable ? readBatches(source, undefined, onLeave) : singles(source);
  const head: Buffer[] = [];
  let headLength = 0;
  while (headLength < MAGIC_BYTES) {
    const next = await input.next();
    if (next.done === true) break;
    head.push(...next.value);
    for (const chunk of next.value) headLength += chunk.length;
  }
  const compression = detectCompression(Buffer.concat(head, Math.min(headLength, MAGIC_BYTES)));
  // The sniffed head as the first batch, then the source's: no generator in between, and
  // return() reaches the source even before the first batch (a generator's would not).
  const plain: AsyncIterableIterator<Buffer[]> = {
    next: () => (head.length > 0 ? Promise.resolve({ done: false, value: head.splice(0) }) : input.next()),
    return: () => input.return(undefined),
    [Symbol.asyncIterator]: () => plain,
  };
  if (compression === "none") return { batches: plain, compression };
  if (compression === "gzip") {
    const gunzip = createGunzip();
    // An error of the source reaches gunzip's reader. A reader that leaves destroys gunzip, and
    // the pipeline then leaves the source once its next chunk comes; one to destroy is destroyed
    // at once.
    pipeline(Readable.from(chunksOf(plain)), gunzip, () => undefined);
    if (source instanceof Readable && onLeave === "destroy") {
      gunzip.once("close", () => {
        if (!source.readableEnded) source.destroy();
      });
    }
    return { batches: readBatches(gunzip), compression };
  }
  await input.return(undefined);
  throw invalidArgument("UNSUPPORTED_COMPRESSION", `unsupported compression: ${compression}`);
}

async function* singles(source: AsyncIterable<Buffer>): AsyncGenerator<Buffer[]> {
  for await (const chunk of source) yield [chunk];
}

async function* chunksOf(batches: AsyncIterable<Buffer[]>): AsyncGenerator<Buffer> {
  for await (const batch of batches) yield* batch;
}

// Opens a layer blob as a stream of uncompressed tar bytes. The compression is detected from
// magic bytes, not trusted from a media type: Docker does the same (pkg/archive
// DetectCompression), and registries are known to mislabel layers.
import { closeSync, createReadStream, openSync, readSync } from "node:fs";
import { Readable, pipeline } from "node:stream";
import { createGunzip } from "node:zlib";
import { detectCompression, invalidArchive, unsupportedCompression } from "../lib/index.ts";
import type { GrowingFileReader } from "./growing-file.ts";

const CHUNK = 1024 * 1024;

/**
 * Yields the uncompressed content of the blob at `path`. An uncompressed blob is read into
 * buffers from `nextBuffer` (by default one reused buffer): each chunk is valid only until the
 * next one is requested.
 */
export async function* openLayerBlob(
  path: string,
  nextBuffer: () => Buffer = reuse(Buffer.allocUnsafe(CHUNK)),
): AsyncGenerator<Buffer> {
  const head = Buffer.alloc(8);
  const fd = openSync(path, "r");
  let owned = true;
  try {
    readSync(fd, head, 0, head.length, 0); // a shorter blob leaves zeros, which match no magic
    const compression = detectCompression(head);
    if (compression === "gzip") {
      closeSync(fd);
      owned = false;
      yield* gunzip(createReadStream(path, { highWaterMark: CHUNK }));
      return;
    }
    if (compression !== "none") throw unsupportedCompression(compression);
    // Synchronous reads: this runs in the layer worker, and page-cache reads are memcpy-fast.
    for (;;) {
      const buffer = nextBuffer();
      const n = readSync(fd, buffer, 0, buffer.length, null);
      if (n === 0) return;
      yield n === buffer.length ? buffer : buffer.subarray(0, n);
    }
  } finally {
    if (owned) closeSync(fd);
  }
}

/**
 * openLayerBlob for a blob that is still being written (see growing-file.ts); `onPlain` is
 * called before the first chunk when the blob turns out to be an uncompressed tar.
 */
export async function* followLayerBlob(
  reader: GrowingFileReader,
  nextBuffer: () => Buffer = reuse(Buffer.allocUnsafe(CHUNK)),
  onPlain: () => void = () => {},
): AsyncGenerator<Buffer> {
  const head = Buffer.alloc(8);
  await reader.available(head.length);
  const first = await reader.read(() => head); // 8 bytes, fewer only for a tiny blob
  const compression = detectCompression(first.length === head.length ? head : Buffer.alloc(8));
  if (compression === "gzip") {
    async function* compressed(): AsyncGenerator<Buffer> {
      yield Buffer.from(first);
      yield* reader.chunks(() => Buffer.allocUnsafe(CHUNK));
    }
    yield* gunzip(Readable.from(compressed()));
    return;
  }
  if (compression !== "none") throw unsupportedCompression(compression);
  onPlain();
  if (first.length > 0) {
    const copy = nextBuffer();
    first.copy(copy);
    yield copy.subarray(0, first.length);
  }
  yield* reader.chunks(nextBuffer);
}

async function* gunzip(source: Readable): AsyncGenerator<Buffer> {
  // zlib inflates on the libuv thread pool, in parallel with the extraction on this thread.
  const stream = pipeline(source, createGunzip({ chunkSize: CHUNK }), () => {});
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) yield chunk;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (typeof code === "string" && code.startsWith("Z_"))
      throw invalidArchive(`gzip: ${(err as Error).message}`, err);
    throw err;
  } finally {
    stream.destroy();
  }
}

function reuse(buffer: Buffer): () => Buffer {
  return () => buffer;
}

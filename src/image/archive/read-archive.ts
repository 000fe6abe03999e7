// First pass of `docker load`: stream the archive once, storing every blob-like file in the
// content store (digests verified where the path names them) and keeping the small metadata
// files (manifest.json, index.json, repositories, legacy <id>.json) in memory.
import { posix } from "node:path";
import type { ContentStore } from "../../content/index.ts";
import { decompressStream, invalidArchive, isEngineError } from "../../lib/index.ts";
import { readTar } from "../../diff/index.ts";
import type { Lease } from "../leases.ts";
import { type EarlyUnpacks, looksLikeLayer } from "../early-unpacks.ts";
import type { ExpectedBlob } from "../../content/index.ts";

/** Metadata files larger than this are refused (they are JSON of a few KB in practice). */
const MAX_METADATA_BYTES = 16 * 1024 * 1024;
const WRITE_BATCH = 1024 * 1024;
const MAX_IN_FLIGHT = 4;
const BLOB_PATH = /^blobs\/sha256\/([a-f0-9]{64})$/;

export interface ArchiveFiles {
  /** path -> blob digest, for files stored in the content store */
  blobs: Map<string, { digest: string; size: number }>;
  /** path -> bytes, for small metadata files */
  metadata: Map<string, Buffer>;
  /** symlink path -> target path (legacy archives link duplicate layers) */
  links: Map<string, string>;
}

export async function readArchive(
  source: AsyncIterable<Buffer>,
  content: ContentStore,
  lease: Lease,
  early?: EarlyUnpacks,
): Promise<ArchiveFiles> {
  const files: ArchiveFiles = { blobs: new Map(), metadata: new Map(), links: new Map() };
  try {
    const { stream } = await decompressStream(source);
    for await (const entry of readTar(stream)) {
      const path = cleanPath(entry.header.name);
      const type = entry.header.type;
      if (type === "symlink" || type === "hardlink") {
        const target =
          type === "symlink" ? posix.join(posix.dirname(path), entry.header.linkname) : entry.header.linkname;
        files.links.set(path, cleanPath(target));
        continue;
      }
      if (type !== "file") continue; // directories and the rest carry nothing a loader needs
      const named = BLOB_PATH.exec(path);
      if (named !== null || path.endsWith(".tar") || path.endsWith("/layer")) {
        const expected = named
          ? { digest: `sha256:${named[1]}`, size: entry.header.size }
          : { size: entry.header.size };
        const blob = await storeBlob(entry.body, expected, content, early);
        lease.addBlob(blob.digest);
        files.blobs.set(path, blob);
      } else {
        if (entry.header.size > MAX_METADATA_BYTES) {
          throw invalidArchive(`${path} is too large for a metadata file (${entry.header.size} bytes)`);
        }
        files.metadata.set(path, await entry.buffer());
      }
    }
  } catch (err) {
    if (isEngineError(err)) throw err;
    throw invalidArchive((err as Error).message, err);
  }
  return files;
}

/** Stores one blob; a layer's is unpacked at the same time when a worker is free. */
async function storeBlob(
  body: AsyncIterable<Buffer>,
  expected: ExpectedBlob,
  content: ContentStore,
  early: EarlyUnpacks | undefined,
): Promise<{ digest: string; size: number }> {
  const writer = await content.openWriter(expected);
  let feed: ReturnType<EarlyUnpacks["start"]>;
  let first = true;
  // Socket-sized chunks (64 KiB) are gathered into 1 MiB writev calls (one thread-pool round
  // trip per chunk would cost more than the write). A few batches are in flight at once so the
  // socket keeps being read meanwhile; the worker following the file only learns of bytes
  // already written.
  let batch: Buffer[] = [];
  let batched = 0;
  const inFlight: Promise<void>[] = [];
  const flush = (): void => {
    const written = writer.write(batch).then(() => feed?.advance(writer.size));
    written.catch(() => undefined); // awaited below; the first failure is rethrown there
    inFlight.push(written);
    batch = [];
    batched = 0;
  };
  try {
    for await (const chunk of body) {
      // A short first chunk cannot be told apart; that blob just unpacks later, as usual.
      if (first && early !== undefined && looksLikeLayer(chunk)) feed = early.start(writer.tempPath);
      first = false;
      batch.push(chunk); // held until written: a fresh buffer from the socket or gunzip, never reused
      batched += chunk.length;
      if (batched >= WRITE_BATCH) {
        flush();
        if (inFlight.length >= MAX_IN_FLIGHT) await inFlight.shift();
      }
    }
    if (batched > 0) flush();
    for (const written of inFlight.splice(0)) await written;
    const blob = await writer.commit();
    feed?.stored(blob.digest);
    return blob;
  } catch (err) {
    feed?.failed();
    await writer.abort();
    throw err;
  }
}

/** Archive paths are relative; "./x" and "x" are the same file. Escapes are refused. */
function cleanPath(name: string): string {
  const p = posix.normalize(name.replace(/^(\.\/)+/, "")).replace(/\/$/, "");
  if (p.startsWith("../") || p === ".." || p.startsWith("/"))
    throw invalidArchive(`path escapes the archive: ${name}`);
  return p;
}

/** Follows symlinks inside the archive to the stored file for `path`. */
export function resolveArchivePath(files: ArchiveFiles, path: string): string {
  let p = cleanPath(path);
  for (let hops = 0; hops < 16 && files.links.has(p); hops++) p = files.links.get(p) ?? p;
  return p;
}

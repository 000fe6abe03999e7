// First pass of `docker load`: stream the archive once, storing every blob-like file in the
// content store (digests verified where the path names them) and keeping the small metadata
// files (manifest.json, index.json, repositories, legacy <id>.json) in memory.
import { posix } from "node:path";
import type { ContentStore } from "../../content/index.ts";
import { decompressBatches, invalidArchive, isEngineError } from "../../lib/index.ts";
import { type TarHeader, TarParser } from "../../diff/index.ts";
import type { Lease } from "../leases.ts";
import { type EarlyUnpackFeed, type EarlyUnpacks, looksLikeLayer } from "../early-unpacks.ts";
import type { BlobWriter } from "../../content/index.ts";

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
  // The parser's events are handled after each pushed chunk, in a plain loop: ~2,000 socket
  // chunks of a 100 MB layer then cost one await each (when a write must be waited for) rather
  // than a hop through several async generators (readTar's entries and bodies).
  const events: (TarHeader | Buffer | null)[] = []; // header, a body chunk, the entry's end
  const parser = new TarParser({
    onEntry: (header) => events.push(header),
    onData: (chunk) => events.push(chunk), // a view into the source chunk, never reused
    onEntryEnd: () => events.push(null),
  });
  let current: EntryTarget | undefined;
  // Commits of blobs whose digest comes from their layer worker, settled at the end: the next
  // entries are read meanwhile (the worker may still be unpacking).
  const pending: Promise<void>[] = [];
  const handle = async (): Promise<void> => {
    for (const event of events) {
      if (event === null) {
        const target = current;
        current = undefined;
        await target?.end();
      } else if (Buffer.isBuffer(event)) {
        const wait = current?.data(event);
        if (wait !== undefined) await wait;
      } else {
        current = await entryTarget(event, files, content, lease, early, pending);
      }
    }
    events.length = 0;
  };
  try {
    // On a bad archive the request body is drained, not destroyed: its socket carries the error.
    const { batches } = await decompressBatches(source, "drain");
    for await (const batch of batches) {
      // Bytes after the end-of-archive marker are read (the client is sending them) and ignored.
      for (const chunk of batch) if (!parser.finished) parser.push(chunk);
      await handle();
    }
    parser.end();
    await handle();
    for (const commit of pending) await commit;
  } catch (err) {
    await current?.abort();
    await Promise.allSettled(pending);
    if (isEngineError(err)) throw err;
    throw invalidArchive((err as Error).message, err);
  }
  return files;
}

/** What one archive entry's body goes to. */
interface EntryTarget {
  /** Takes a body chunk; returns a promise only when the caller must wait (backpressure). */
  data(chunk: Buffer): Promise<void> | undefined;
  end(): Promise<void>;
  abort(): Promise<void>;
}

const SKIP: EntryTarget = {
  data: () => undefined,
  end: () => Promise.resolve(),
  abort: () => Promise.resolve(),
};

async function entryTarget(
  header: TarHeader,
  files: ArchiveFiles,
  content: ContentStore,
  lease: Lease,
  early: EarlyUnpacks | undefined,
  pending: Promise<void>[],
): Promise<EntryTarget> {
  const path = cleanPath(header.name);
  const type = header.type;
  if (type === "symlink" || type === "hardlink") {
    const target = type === "symlink" ? posix.join(posix.dirname(path), header.linkname) : header.linkname;
    files.links.set(path, cleanPath(target));
    return SKIP;
  }
  if (type !== "file") return SKIP; // directories and the rest carry nothing a loader needs
  const named = BLOB_PATH.exec(path);
  if (named !== null || path.endsWith(".tar") || path.endsWith("/layer")) {
    const expected = named ? { digest: `sha256:${named[1]}`, size: header.size } : { size: header.size };
    const ingest = new BlobIngest(await content.openWriter(expected), early);
    return {
      data: (chunk) => ingest.data(chunk),
      end: async () => {
        const committed = ingest.end().then((blob) => {
          lease.addBlob(blob.digest);
          files.blobs.set(path, blob);
        });
        if (!ingest.digestedElsewhere) return committed;
        committed.catch(() => undefined); // awaited with the others at the end
        pending.push(committed);
      },
      abort: () => ingest.abort(),
    };
  }
  if (header.size > MAX_METADATA_BYTES) {
    throw invalidArchive(`${path} is too large for a metadata file (${header.size} bytes)`);
  }
  const chunks: Buffer[] = [];
  return {
    data: (chunk) => {
      chunks.push(chunk);
      return undefined;
    },
    end: () => {
      files.metadata.set(
        path,
        chunks.length === 1 && chunks[0] !== undefined ? chunks[0] : Buffer.concat(chunks),
      );
      return Promise.resolve();
    },
    abort: () => Promise.resolve(),
  };
}

/** Stores one blob; a layer's is unpacked at the same time when a worker is free. */
class BlobIngest {
  readonly #writer: BlobWriter;
  readonly #early: EarlyUnpacks | undefined;
  #feed: EarlyUnpackFeed | undefined;
  #first = true;
  /** The layer worker hashes the bytes as it unpacks them; this thread does not. */
  digestedElsewhere = false;
  // Socket-sized chunks (64 KiB) are gathered into 1 MiB writev calls (one thread-pool round
  // trip per chunk would cost more than the write). A few batches are in flight at once so the
  // socket keeps being read meanwhile; the worker following the file only learns of bytes
  // already written.
  #batch: Buffer[] = [];
  #batched = 0;
  readonly #inFlight: Promise<void>[] = [];

  constructor(writer: BlobWriter, early: EarlyUnpacks | undefined) {
    this.#writer = writer;
    this.#early = early;
  }

  data(chunk: Buffer): Promise<void> | undefined {
    // A short first chunk cannot be told apart; that blob just unpacks later, as usual.
    if (this.#first && this.#early !== undefined && looksLikeLayer(chunk)) {
      const feed = this.#early.start(this.#writer.tempPath);
      this.#feed = feed;
      // An uncompressed layer's worker hashes every byte of it (its DiffID): one hash, off
      // this thread. A gzip'd one's DiffID is of other bytes, so this thread hashes the blob.
      if (feed !== undefined && !isGzip(chunk)) {
        this.#writer.digestElsewhere(() => feed.digest());
        this.digestedElsewhere = true;
      }
    }
    this.#first = false;
    this.#batch.push(chunk); // held until written: a fresh buffer from the socket or gunzip
    this.#batched += chunk.length;
    if (this.#batched < WRITE_BATCH) return undefined;
    this.#flush();
    return this.#inFlight.length >= MAX_IN_FLIGHT ? this.#inFlight.shift() : undefined;
  }

  async end(): Promise<{ digest: string; size: number }> {
    try {
      if (this.#batched > 0) this.#flush();
      for (const written of this.#inFlight.splice(0)) await written;
      this.#feed?.ended();
      const blob = await this.#writer.commit();
      this.#feed?.stored(blob.digest);
      return blob;
    } catch (err) {
      await this.abort();
      throw err;
    }
  }

  async abort(): Promise<void> {
    this.#feed?.failed();
    await this.#writer.abort();
  }

  #flush(): void {
    const feed = this.#feed;
    const writer = this.#writer;
    const written = writer.write(this.#batch).then(() => feed?.advance(writer.size));
    written.catch(() => undefined); // awaited later; the first failure is rethrown there
    this.#inFlight.push(written);
    this.#batch = [];
    this.#batched = 0;
  }
}

function isGzip(head: Uint8Array): boolean {
  return head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b;
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

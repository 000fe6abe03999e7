// The content store: immutable blobs named by their SHA-256 digest (containerd's content store,
// content-flow.md "Content Areas"). Layout under `root`:
//
//   blobs/sha256/<hex>   committed blobs; a file here always hashes to its name
//   ingest/<random>      blobs being written; anything here after a crash is garbage
//
// The store knows nothing of images: which blobs are still needed is decided by the image
// service's garbage collector, which walks list() and calls delete().
import { randomBytes } from "node:crypto";
import { mkdir, open, opendir, readdir, rm, stat, unlink, type FileHandle } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import type { Readable } from "node:stream";
import {
  badDigest,
  blobCorrupted,
  blobNotFound,
  blobTooLarge,
  contentIoFailed,
  ingestFailed,
  invalidArgument,
  isEngineError,
  unsupportedDigestAlgorithm,
} from "../lib/index.ts";
import { isHex64, parseDigest, sha256Of } from "../oci/index.ts";
import { BlobWriter, isErrno, syncDir, type BlobInfo, type ExpectedBlob } from "./blob-writer.ts";

export interface ContentStoreOptions {
  /** Directory of the store; created on first write. */
  root: string;
}

/** A Readable, an async iterable of chunks, or (for data in memory) a plain iterable of chunks. */
export type IngestSource = AsyncIterable<Uint8Array> | Iterable<Uint8Array> | Readable;

export class ContentStore {
  readonly root: string;
  readonly #blobsDir: string;
  readonly #ingestDir: string;
  /** Temp files of writers still open, which removeIngests must leave alone. */
  readonly #active = new Set<string>();
  #ready: Promise<void> | undefined;

  constructor(options: ContentStoreOptions) {
    this.root = resolve(options.root);
    this.#blobsDir = join(this.root, "blobs", "sha256");
    this.#ingestDir = join(this.root, "ingest");
  }

  /** The absolute path of a blob, for readers that open it themselves (it may not exist). */
  path(digest: string): string {
    return join(this.#blobsDir, sha256Hex(digest));
  }

  async has(digest: string): Promise<boolean> {
    return (await this.stat(digest)) !== null;
  }

  /** The size of a stored blob, or null when it is not stored (or not a sha256 digest). */
  async stat(digest: string): Promise<number | null> {
    if (!isStorable(digest)) return null;
    try {
      const st = await stat(this.path(digest));
      return st.isFile() ? st.size : null;
    } catch (err) {
      if (isErrno(err, "ENOENT")) return null;
      throw contentIoFailed(`stat of ${digest}`, err);
    }
  }

  /** A stream of the blob, or of bytes start..end inclusive (for HTTP ranges). */
  async createReadStream(digest: string, range: { start?: number; end?: number } = {}): Promise<Readable> {
    const file = await this.#openBlob(digest);
    return file.createReadStream({ ...range, autoClose: true });
  }

  /**
   * The whole blob, for small documents (manifests, configs). Refuses blobs above `maxBytes`
   * before reading them, and checks the bytes against the digest (cheap at these sizes).
   */
  async readBuffer(digest: string, maxBytes: number): Promise<Buffer> {
    const file = await this.#openBlob(digest);
    try {
      const { size } = await file.stat();
      if (size > maxBytes) throw blobTooLarge(digest, size, maxBytes);
      const buf = await file.readFile();
      const actual = sha256Of(buf);
      if (actual !== digest) throw blobCorrupted(digest, actual);
      return buf;
    } catch (err) {
      throw isEngineError(err) ? err : contentIoFailed(`reading ${digest}`, err);
    } finally {
      await file.close();
    }
  }

  /** Stores bytes held in memory; the digest, when given, must match. */
  async writeBuffer(buf: Uint8Array, expectedDigest?: string): Promise<BlobInfo> {
    const digest = sha256Of(buf);
    if (expectedDigest !== undefined) {
      checkExpected({ digest: expectedDigest });
      if (expectedDigest !== digest) throw badDigest(expectedDigest, digest);
    }
    if ((await this.stat(digest)) === buf.byteLength) return { digest, size: buf.byteLength };
    return this.ingest([buf], { digest, size: buf.byteLength });
  }

  /**
   * Streams `source` into the store. The size limit is enforced as bytes arrive, so a source
   * longer than announced is stopped (and, for a Readable, destroyed) at the first byte too many.
   * On any failure the temp file is removed; store failures are EngineErrors (badSize, badDigest,
   * blobTooLarge, ingestFailed) and errors raised by the source itself are rethrown unchanged,
   * since what they mean (network, archive) is the caller's to say.
   */
  async ingest(source: IngestSource, expected: ExpectedBlob = {}): Promise<BlobInfo> {
    const writer = await this.openWriter(expected);
    try {
      for await (const chunk of source as AsyncIterable<unknown> | Iterable<unknown>) {
        if (!(chunk instanceof Uint8Array)) {
          throw ingestFailed(
            expected.digest ?? "blob",
            new TypeError("the source must yield bytes, not strings"),
          );
        }
        await writer.write(chunk);
      }
      return await writer.commit();
    } catch (err) {
      await writer.abort();
      throw err;
    }
  }

  /**
   * A writer to feed by hand, e.g. to store a stream while also unpacking it. The caller must end
   * with commit() or abort(); a crash leaves only a temp file, removed by removeIngests().
   */
  async openWriter(expected: ExpectedBlob = {}): Promise<BlobWriter> {
    checkExpected(expected);
    await this.#ensureDirs();
    const tempPath = join(this.#ingestDir, randomBytes(16).toString("hex"));
    let file: FileHandle;
    try {
      // "wx" is O_CREAT|O_EXCL: never write into a file someone else has. Read-only once closed.
      file = await open(tempPath, "wx", 0o444);
    } catch (err) {
      throw ingestFailed(expected.digest ?? "blob", err);
    }
    this.#active.add(tempPath);
    const release = (): void => void this.#active.delete(tempPath);
    return new BlobWriter({ tempPath, file, blobsDir: this.#blobsDir, release }, expected);
  }

  /** Removes a blob; false when it was not there. */
  async delete(digest: string): Promise<boolean> {
    try {
      await unlink(this.path(digest));
      return true;
    } catch (err) {
      if (isErrno(err, "ENOENT")) return false;
      throw contentIoFailed(`deleting ${digest}`, err);
    }
  }

  /** Every stored digest, in no particular order (for garbage collection). */
  async *list(): AsyncGenerator<string> {
    let dir;
    try {
      dir = await opendir(this.#blobsDir);
    } catch (err) {
      if (isErrno(err, "ENOENT")) return;
      throw contentIoFailed(`listing ${this.#blobsDir}`, err);
    }
    for await (const entry of dir) {
      if (entry.isFile() && isHex64(entry.name)) yield `sha256:${entry.name}`;
    }
  }

  /**
   * Startup reconcile: deletes temp files left by writes that never finished (a crash, a kill).
   * Writers open in this process are left alone. Returns how many files were removed.
   */
  async removeIngests(): Promise<number> {
    let names: string[];
    try {
      names = await readdir(this.#ingestDir);
    } catch (err) {
      if (isErrno(err, "ENOENT")) return 0;
      throw contentIoFailed(`listing ${this.#ingestDir}`, err);
    }
    let removed = 0;
    for (const name of names) {
      const path = join(this.#ingestDir, name);
      if (this.#active.has(path)) continue;
      await rm(path, { recursive: true, force: true });
      removed++;
    }
    return removed;
  }

  async #openBlob(digest: string): Promise<FileHandle> {
    const path = this.path(digest);
    try {
      return await open(path, "r");
    } catch (err) {
      if (isErrno(err, "ENOENT")) throw blobNotFound(digest);
      throw contentIoFailed(`opening ${digest}`, err);
    }
  }

  // Created once, on first write, with each new directory's entry made durable in its parent.
  #ensureDirs(): Promise<void> {
    this.#ready ??= (async () => {
      for (const dir of [this.#blobsDir, this.#ingestDir]) {
        const first = await mkdir(dir, { recursive: true, mode: 0o700 });
        if (first === undefined) continue;
        for (let d = dir; d !== dirname(first); d = dirname(d)) await syncDir(dirname(d));
      }
    })().catch((err: unknown) => {
      this.#ready = undefined;
      throw contentIoFailed(`creating ${this.root}`, err);
    });
    return this.#ready;
  }
}

/** The hex of a sha256 digest; anything else is refused (a file name must never come from junk). */
function sha256Hex(digest: string): string {
  const { algorithm, encoded } = parseDigest(digest);
  if (algorithm !== "sha256") throw unsupportedDigestAlgorithm(algorithm);
  return encoded;
}

function isStorable(digest: string): boolean {
  return parseDigest(digest).algorithm === "sha256";
}

function checkExpected(expected: ExpectedBlob): void {
  if (expected.digest !== undefined) sha256Hex(expected.digest);
  for (const key of ["size", "maxSize"] as const) {
    const v = expected[key];
    if (v !== undefined && !(Number.isSafeInteger(v) && v >= 0)) {
      throw invalidArgument(
        "INVALID_EXPECTED_SIZE",
        `expected ${key} must be a non-negative integer, got ${v}`,
      );
    }
  }
}

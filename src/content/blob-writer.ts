// One blob being written: bytes go to a private temp file while SHA-256 and the byte count are
// kept; commit checks them against what was expected and only then gives the blob its name.
// DESIGN.md "Storage": temp file, verify digest and size, fsync, rename, so that a crash never
// leaves a bad blob under its digest.
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { open, rename, rm, stat, type FileHandle } from "node:fs/promises";
import { join } from "node:path";
import {
  badDigest,
  badSize,
  blobTooLarge,
  ingestFailed,
  isEngineError,
  type EngineError,
} from "../lib/index.ts";

export interface ExpectedBlob {
  /** The digest the content must have (sha256 only). */
  digest?: string;
  /** The exact size; more bytes stop the write at once, fewer fail at commit. */
  size?: number;
  /** An upper bound when the exact size is unknown (e.g. a manifest fetched by tag). */
  maxSize?: number;
}

export interface BlobInfo {
  digest: string;
  size: number;
}

/** Where the writer puts its bytes; given by the store that opened it. */
export interface WriterTarget {
  tempPath: string;
  file: FileHandle;
  /** `<root>/blobs/sha256` */
  blobsDir: string;
  /** Called once when the temp file is gone (renamed or removed). */
  release(): void;
}

type State = { kind: "open" } | { kind: "failed"; error: EngineError } | { kind: "done"; info: BlobInfo };

export class BlobWriter {
  readonly #target: WriterTarget;
  readonly #expected: ExpectedBlob;
  readonly #hash = createHash("sha256");
  #written = 0;
  #state: State = { kind: "open" };
  // Writes run one after another in call order, so an un-awaited tee keeps the bytes in order.
  #queue: Promise<void> = Promise.resolve();
  #committing: Promise<BlobInfo> | undefined;
  /** Set by digestElsewhere(): the bytes are hashed by whoever reads the file back. */
  #digestOf: (() => Promise<string | null>) | undefined;

  constructor(target: WriterTarget, expected: ExpectedBlob = {}) {
    this.#target = target;
    this.#expected = expected;
  }

  /** The temp file the bytes go to until commit (e.g. for a reader that follows the write). */
  get tempPath(): string {
    return this.#target.tempPath;
  }

  /** Bytes accepted so far. */
  get size(): number {
    return this.#written;
  }

  /** Appends `chunk`, or several chunks in one writev(2) (no copy into one buffer first). */
  write(chunk: Uint8Array | readonly Uint8Array[]): Promise<void> {
    // Decided at call time: writes issued before commit() are part of the blob, later ones not.
    if (this.#committing !== undefined) {
      return Promise.reject(ingestFailed(this.#label(), new Error("write after commit")));
    }
    const next = this.#queue.then(() => this.#write(chunk));
    this.#queue = next.catch(() => undefined);
    return next;
  }

  /**
   * Leaves hashing to another thread that reads the temp file back anyway (a layer worker
   * unpacking it as it grows): `digestOf` resolves to "sha256:<hex>" of every byte written, or
   * null if it could not tell. Commit still verifies before the blob gets its name; when
   * `digestOf` fails or gives null it hashes the file itself. Call before the first write.
   */
  digestElsewhere(digestOf: () => Promise<string | null>): void {
    if (this.#written > 0 || this.#committing !== undefined) {
      throw ingestFailed(this.#label(), new Error("digestElsewhere() after the first write"));
    }
    this.#digestOf = digestOf;
  }

  /** Verifies, makes durable and publishes the blob. Writing an existing blob succeeds unchanged. */
  commit(): Promise<BlobInfo> {
    this.#committing ??= this.#commit();
    return this.#committing;
  }

  async #commit(): Promise<BlobInfo> {
    await this.#queue;
    const state = this.#state;
    if (state.kind === "failed") throw state.error;
    if (state.kind === "done") return state.info;
    const { digest: expectedDigest, size: expectedSize } = this.#expected;
    if (expectedSize !== undefined && this.#written !== expectedSize) {
      return this.#fail(badSize(expectedDigest ?? "blob", expectedSize, this.#written));
    }
    let digest: string;
    try {
      const { file } = this.#target;
      // fsync first: it overlaps with a digest still being computed elsewhere.
      await file.sync();
      await file.close();
      digest = this.#digestOf === undefined ? `sha256:${this.#hash.digest("hex")}` : await this.#digestBack();
    } catch (err) {
      return this.#fail(err);
    }
    if (expectedDigest !== undefined && expectedDigest !== digest) {
      return this.#fail(badDigest(expectedDigest, digest));
    }
    const info = { digest, size: this.#written };
    try {
      const { tempPath, blobsDir } = this.#target;
      const finalPath = join(blobsDir, digest.slice("sha256:".length));
      if ((await fileSize(finalPath)) === this.#written) {
        // Already stored (same bytes, by its digest): nothing to publish. A file of another size
        // there was damaged and is replaced below.
        await rm(tempPath, { force: true });
      } else {
        // rename is atomic: readers see no file or the whole verified blob, never a part. Two
        // writers of one blob may both rename; the second replaces identical bytes.
        await rename(tempPath, finalPath);
        await syncDir(blobsDir);
      }
    } catch (err) {
      return this.#fail(err);
    }
    this.#state = { kind: "done", info };
    this.#target.release();
    return info;
  }

  /** Drops the temp file. Safe to call at any time and more than once; never throws. */
  async abort(): Promise<void> {
    if (this.#committing !== undefined) {
      await this.#committing.catch(() => undefined);
      return;
    }
    await this.#queue;
    if (this.#state.kind !== "open") return;
    await this.#fail(ingestFailed(this.#label(), new Error("aborted"))).catch(() => undefined);
  }

  async #write(chunkOrChunks: Uint8Array | readonly Uint8Array[]): Promise<void> {
    const state = this.#state;
    if (state.kind === "failed") throw state.error;
    if (state.kind === "done") throw ingestFailed(this.#label(), new Error("write after commit"));
    const chunks = chunkOrChunks instanceof Uint8Array ? [chunkOrChunks] : chunkOrChunks;
    let bytes = 0;
    for (const c of chunks) bytes += c.byteLength;
    const total = this.#written + bytes;
    const { size, maxSize, digest } = this.#expected;
    // Stop at the first byte too many: a lying source must not fill the disk.
    if (size !== undefined && total > size) return this.#fail(badSize(digest ?? "blob", size, total));
    if (maxSize !== undefined && total > maxSize) {
      return this.#fail(blobTooLarge(digest ?? "blob", total, maxSize));
    }
    try {
      await writeAll(this.#target.file, chunks, bytes);
    } catch (err) {
      return this.#fail(err);
    }
    if (this.#digestOf === undefined) for (const c of chunks) this.#hash.update(c);
    this.#written = total;
  }

  /** The digest from digestElsewhere(), or, failing that, of the temp file read back here. */
  async #digestBack(): Promise<string> {
    const told = await this.#digestOf?.().catch(() => null);
    if (typeof told === "string") return told;
    const hash = createHash("sha256");
    for await (const chunk of createReadStream(this.#target.tempPath, { highWaterMark: 1024 * 1024 })) {
      hash.update(chunk as Buffer);
    }
    return `sha256:${hash.digest("hex")}`;
  }

  /** Moves to the failed state, removes the temp file and throws the EngineError for `err`. */
  async #fail(err: unknown): Promise<never> {
    const error = isEngineError(err) ? err : ingestFailed(this.#label(), err);
    if (this.#state.kind === "open") {
      this.#state = { kind: "failed", error };
      await this.#target.file.close().catch(() => undefined);
      await rm(this.#target.tempPath, { force: true }).catch(() => undefined);
      this.#target.release();
    }
    throw error;
  }

  #label(): string {
    return this.#expected.digest ?? "blob";
  }
}

/** writev until every byte is written (a short write resumes where it stopped). */
async function writeAll(file: FileHandle, chunks: readonly Uint8Array[], bytes: number): Promise<void> {
  let rest = chunks;
  let left = bytes;
  while (left > 0) {
    const { bytesWritten } = await file.writev(rest as Uint8Array[]);
    left -= bytesWritten;
    if (left === 0) return;
    rest = dropBytes(rest, bytesWritten);
  }
}

function dropBytes(chunks: readonly Uint8Array[], n: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  let skip = n;
  for (const c of chunks) {
    if (skip >= c.byteLength) {
      skip -= c.byteLength;
      continue;
    }
    out.push(skip > 0 ? c.subarray(skip) : c);
    skip = 0;
  }
  return out;
}

/** fsync a directory so a rename or link in it survives a crash. */
export async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, "r");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function fileSize(path: string): Promise<number | undefined> {
  try {
    const st = await stat(path);
    return st.isFile() ? st.size : undefined;
  } catch (err) {
    if (isErrno(err, "ENOENT")) return undefined;
    throw err;
  }
}

export function isErrno(err: unknown, code: string): boolean {
  return err instanceof Error && (err as NodeJS.ErrnoException).code === code;
}

// Computes a layer's DiffID while it is being extracted. The digester also lends the buffers
// the uncompressed bytes are read into, so that a digester hashing on another thread
// (hash-thread.ts) can share them without a copy.
import { createHash } from "node:crypto";

export interface LayerDigester {
  /** A buffer to read the next chunk into; valid until the chunk is passed to update(). */
  nextBuffer(): Buffer;
  /** Adds a chunk (from nextBuffer() or any other buffer) to the digest. */
  update(chunk: Buffer): void;
  /** "sha256:<hex>" of everything passed to update(). */
  digest(): string;
  /** Drops an unfinished digest after a failure. */
  abandon(): void;
}

const CHUNK = 1024 * 1024;

/** Hashes on the calling thread. */
export class InlineDigester implements LayerDigester {
  readonly #hash = createHash("sha256");
  readonly #buffer = Buffer.allocUnsafe(CHUNK);

  nextBuffer(): Buffer {
    return this.#buffer;
  }

  update(chunk: Buffer): void {
    this.#hash.update(chunk);
  }

  digest(): string {
    return `sha256:${this.#hash.digest("hex")}`;
  }

  abandon(): void {}
}

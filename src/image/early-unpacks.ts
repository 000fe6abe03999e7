// Unpacks layers while their blobs are still being stored. A load (or pull) writes each blob to
// the content store and, at the same time, a layer worker follows the growing file into a
// scratch snapshot directory (diff/growing-file.ts). Which blob is a layer, and its chain ID,
// are only known once the archive's manifest has been read; by then most of the unpacking is
// done, and unpack() adopts the scratch directory instead of starting from the stored blob.
import { closeSync, openSync } from "node:fs";
import { type ApplyLayerResult, GrowingFileProgress, applyLayer } from "../diff/index.ts";
import type { OverlaySnapshotter, Scratch } from "../snapshot/index.ts";

export interface EarlyUnpack {
  scratch: Scratch;
  /** Settles once the worker finished (or gave up); DiffID and size of what it unpacked. */
  result: Promise<ApplyLayerResult>;
}

/** The storing side of one early unpack. */
export interface EarlyUnpackFeed {
  /** `bytes` (the total so far) are written to the blob's temp file. */
  advance(bytes: number): void;
  /** Every byte is written (the blob may not be stored yet). */
  ended(): void;
  /**
   * "sha256:<hex>" of the bytes the worker read, for an uncompressed blob: it hashes them while
   * unpacking (on its hash thread), so the storing side need not. Null when it could not tell.
   */
  digest(): Promise<string | null>;
  /** The blob is complete and stored under `digest`. */
  stored(digest: string): void;
  /** Storing failed; the unpack stops. */
  failed(): void;
}

/** Gzip magic, or "ustar" at offset 257 of a tar header block. */
export function looksLikeLayer(head: Uint8Array): boolean {
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) return true;
  return head.length >= 262 && Buffer.from(head.subarray(257, 262)).toString("latin1") === "ustar";
}

export class EarlyUnpacks {
  readonly #snapshots: OverlaySnapshotter;
  readonly #maxRunning: number;
  readonly #stored = new Map<string, EarlyUnpack>();
  readonly #all = new Set<EarlyUnpack>();
  #running = 0;

  /** At most `maxRunning` at once (each takes a worker thread); later blobs unpack as usual. */
  constructor(snapshots: OverlaySnapshotter, maxRunning = 2) {
    this.#snapshots = snapshots;
    this.#maxRunning = maxRunning;
  }

  /** Starts unpacking the blob being written to `tempPath`; undefined when all workers are busy. */
  start(tempPath: string): EarlyUnpackFeed | undefined {
    if (this.#running >= this.#maxRunning) return undefined;
    // Opened before the writer can rename or remove the temp file; a worker reads it by number.
    const fd = openSync(tempPath, "r");
    const progress = new GrowingFileProgress();
    const scratch = this.#snapshots.scratch();
    this.#running++;
    const result = applyLayer({ fd, progress: progress.shared }, scratch.path).finally(() => {
      closeSync(fd);
      this.#running--;
    });
    result.catch(() => undefined); // looked at by whoever takes it, or by discardAll()
    const job = { scratch, result };
    this.#all.add(job);
    return {
      advance: (bytes) => progress.advance(bytes),
      ended: () => progress.complete(),
      digest: () => result.then((r) => r.blobDigest),
      stored: (digest) => {
        progress.complete();
        this.#stored.set(digest, job);
      },
      failed: () => progress.abort(),
    };
  }

  /** The early unpack of the blob `digest`, handed over to the caller (who adopts or discards it). */
  take(digest: string): EarlyUnpack | undefined {
    const job = this.#stored.get(digest);
    if (job === undefined) return undefined;
    this.#stored.delete(digest);
    this.#all.delete(job);
    return job;
  }

  /** Waits for the unpacks nobody took and removes their directories. */
  async discardAll(): Promise<void> {
    const jobs = [...this.#all];
    this.#all.clear();
    this.#stored.clear();
    await Promise.all(jobs.map((job) => job.result.then(noop, noop).then(() => job.scratch.discard())));
  }
}

function noop(): void {}

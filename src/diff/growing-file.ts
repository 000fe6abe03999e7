// A blob file that is still being written while a layer worker already unpacks it. The writer
// (the daemon's main thread, storing the blob) publishes in shared memory how many bytes have
// reached the file and whether it finished; the reader (a layer worker) follows behind with
// positioned reads and sleeps on the counter when it catches up. Storing and unpacking then
// overlap instead of running one after the other.
import { readSync } from "node:fs";
import { invalidArchive } from "../lib/index.ts";

const WRITTEN = 0;
const STATE = 1;
const OPEN = 0n;
const COMPLETE = 1n;
const ABORTED = 2n;
/** How long a reader sleeps before it looks again, should a notify ever be missed. */
const WAIT_MS = 1000;

/** The writer's side: created on the main thread, its `shared` buffer handed to the reader. */
export class GrowingFileProgress {
  readonly shared = new SharedArrayBuffer(2 * BigInt64Array.BYTES_PER_ELEMENT);
  readonly #cells = new BigInt64Array(this.shared);

  /** `bytes` (the total so far) are in the file and readable. */
  advance(bytes: number): void {
    Atomics.store(this.#cells, WRITTEN, BigInt(bytes));
    Atomics.notify(this.#cells, WRITTEN);
  }

  /** No more bytes will come. */
  complete(): void {
    this.#finish(COMPLETE);
  }

  /** The write failed: the reader stops with an error. */
  abort(): void {
    this.#finish(ABORTED);
  }

  #finish(state: bigint): void {
    if (Atomics.load(this.#cells, STATE) !== OPEN) return;
    Atomics.store(this.#cells, STATE, state);
    Atomics.notify(this.#cells, WRITTEN);
  }
}

/** The reader's side: the bytes of the file at `fd`, in order, as the writer publishes them. */
export class GrowingFileReader {
  readonly #fd: number;
  readonly #cells: BigInt64Array;
  #position = 0;

  constructor(fd: number, shared: SharedArrayBuffer) {
    this.#fd = fd;
    this.#cells = new BigInt64Array(shared);
  }

  /** Waits until at least `count` bytes exist (or the file ended); returns how many do. */
  async available(count: number): Promise<number> {
    for (;;) {
      const written = Number(Atomics.load(this.#cells, WRITTEN));
      if (written >= count) return written;
      const state = Atomics.load(this.#cells, STATE);
      if (state === ABORTED) throw aborted();
      // Re-read after seeing COMPLETE: the last advance() happens before complete().
      if (state === COMPLETE) return Number(Atomics.load(this.#cells, WRITTEN));
      const wait = Atomics.waitAsync(this.#cells, WRITTEN, BigInt(written), WAIT_MS);
      if (wait.async) await wait.value;
    }
  }

  /** Reads the next chunk into a buffer from `nextBuffer`; an empty result means the end. */
  async read(nextBuffer: () => Buffer): Promise<Buffer> {
    const available = await this.available(this.#position + 1);
    if (available <= this.#position) return Buffer.alloc(0);
    const buffer = nextBuffer();
    const want = Math.min(buffer.length, available - this.#position);
    const n = readSync(this.#fd, buffer, 0, want, this.#position);
    this.#position += n;
    return buffer.subarray(0, n);
  }

  /** Every remaining chunk; each is valid until the next is requested. */
  async *chunks(nextBuffer: () => Buffer): AsyncGenerator<Buffer> {
    for (;;) {
      const chunk = await this.read(nextBuffer);
      if (chunk.length === 0) return;
      yield chunk;
    }
  }
}

function aborted(): Error {
  return invalidArchive("the layer blob being unpacked was not stored completely");
}

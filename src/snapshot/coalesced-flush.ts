// Flushes a filesystem in the background, coalescing requests: while one `sync -f` runs, any
// number of new requests share the next one. Each flush reports which of the items that were
// waiting when it started are now on disk.
import { runCommand } from "./run-command.ts";

export class CoalescedFlush<T> {
  readonly #path: string;
  readonly #onFlushed: (items: readonly T[]) => void;
  readonly #onError: (err: unknown) => void;
  #waiting: T[] = [];
  #running: Promise<void> | undefined;
  #holds = 0;

  /** `onFlushed` runs after each flush with the items it covered. */
  constructor(path: string, onFlushed: (items: readonly T[]) => void, onError: (err: unknown) => void) {
    this.#path = path;
    this.#onFlushed = onFlushed;
    this.#onError = onError;
  }

  /** Queues `item`, whose data is already written (not yet flushed), for the next flush. */
  request(item: T): void {
    this.#waiting.push(item);
    this.#start();
  }

  /**
   * Holds flushes back until the returned release is called (once per hold; holds nest): requests
   * wait meanwhile. A flush already running goes on. Lets a caller finish its own small fsyncs
   * first, which would otherwise queue behind a syncfs writing out ~100 MB of new files.
   */
  hold(): () => void {
    this.#holds++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#holds--;
      this.#start();
    };
  }

  /** Resolves once every item requested so far is flushed (or its flush failed), holds aside. */
  async idle(): Promise<void> {
    while (this.#running !== undefined) await this.#running;
  }

  #start(): void {
    if (this.#holds > 0 || this.#waiting.length === 0 || this.#running !== undefined) return;
    this.#running = this.#loop().finally(() => {
      this.#running = undefined;
      this.#start(); // a hold released while the last flush was finishing
    });
  }

  async #loop(): Promise<void> {
    while (this.#waiting.length > 0 && this.#holds === 0) {
      const covered = this.#waiting;
      this.#waiting = [];
      try {
        // syncfs(2) of the whole filesystem, as `sync -f` does: one barrier for all the files.
        await runCommand(["sync", "-f", this.#path]);
        this.#onFlushed(covered);
      } catch (err) {
        this.#onError(err); // the items stay unflushed in the records; start-up deals with them
      }
    }
  }
}

// Streaming tar reader for async sources (uploads, `docker load` archives, blobs):
//
//   for await (const entry of readTar(source)) {
//     if (entry.header.name === "manifest.json") json = await entry.buffer();
//     // else: leave the body unread; it is skipped when the loop asks for the next entry
//   }
//
// Each entry's body must be read (via `body` or `buffer()`) before the next entry is requested;
// whatever is left unread is skipped then, and reading it afterwards throws. Body chunks are
// views into the source's chunks (no copy), so sources must not reuse their buffers.
import { invalidArchive } from "../lib/index.ts";
import type { TarHeader } from "./tar-header.ts";
import { TarParser } from "./tar-parser.ts";

export interface TarEntry {
  readonly header: TarHeader;
  /** The entry's data, once. */
  readonly body: AsyncIterable<Buffer>;
  /** Reads the whole body into one buffer. */
  buffer(): Promise<Buffer>;
}

type Event = { kind: "entry"; header: TarHeader } | { kind: "data"; chunk: Buffer } | { kind: "end" };

export async function* readTar(source: AsyncIterable<Buffer | Uint8Array>): AsyncGenerator<TarEntry> {
  const queue: Event[] = [];
  let head = 0;
  const parser = new TarParser({
    onEntry: (header) => queue.push({ kind: "entry", header }),
    onData: (chunk) => queue.push({ kind: "data", chunk }),
    onEntryEnd: () => queue.push({ kind: "end" }),
  });
  const input = source[Symbol.asyncIterator]();
  let inputDone = false;

  // The next parser event, pulling more input as needed; null once the archive is over.
  const next = async (): Promise<Event | null> => {
    while (head === queue.length) {
      queue.length = 0;
      head = 0;
      if (inputDone) return null;
      const { done, value } = await input.next();
      if (done === true) {
        inputDone = true;
        parser.end();
      } else if (!parser.finished) {
        parser.push(
          Buffer.isBuffer(value) ? value : Buffer.from(value.buffer, value.byteOffset, value.byteLength),
        );
      }
    }
    return queue[head++] ?? null;
  };

  try {
    for (;;) {
      const event = await next();
      if (event === null) return;
      if (event.kind !== "entry") throw invalidArchive("internal: body event outside an entry");
      const entry = new Entry(event.header, next);
      yield entry;
      await entry.skip();
      entry.close();
    }
  } finally {
    // Stop a source we no longer read (e.g. the consumer broke out of its loop).
    if (!inputDone) await input.return?.();
  }
}

class Entry implements TarEntry {
  #ended = false;
  #closed = false;
  #used = false;
  constructor(
    readonly header: TarHeader,
    private readonly next: () => Promise<Event | null>,
  ) {}

  get body(): AsyncIterable<Buffer> {
    if (this.#used) throw invalidArchive(`body of ${this.header.name} was already read`);
    this.#used = true;
    return { [Symbol.asyncIterator]: () => this.#chunks() };
  }

  async buffer(): Promise<Buffer> {
    const chunks: Buffer[] = [];
    for await (const chunk of this.body) chunks.push(chunk);
    return chunks.length === 1 && chunks[0] !== undefined ? chunks[0] : Buffer.concat(chunks);
  }

  async *#chunks(): AsyncGenerator<Buffer> {
    if (this.#closed) throw invalidArchive(`body of ${this.header.name} read after the next entry`);
    while (!this.#ended) {
      const chunk = await this.#read();
      if (chunk !== null) yield chunk;
    }
  }

  async #read(): Promise<Buffer | null> {
    const event = await this.next();
    if (event === null) throw invalidArchive("unexpected end of archive (truncated)");
    if (event.kind === "end") {
      this.#ended = true;
      return null;
    }
    if (event.kind !== "data") throw invalidArchive("internal: entry event inside a body");
    return event.chunk;
  }

  async skip(): Promise<void> {
    while (!this.#ended) await this.#read();
  }

  close(): void {
    this.#closed = true;
  }
}

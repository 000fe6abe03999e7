// Reads a container's k8s-file log (rotated files and the current one) with `docker logs`
// semantics: --tail counts messages from the end across files, --since/--until by time, and
// --follow keeps reading as conmon writes, across rotations, until aborted or the container
// exited and everything it wrote was read.
import { watch, type FSWatcher } from "node:fs";
import { open, stat, type FileHandle } from "node:fs/promises";
import { dirname } from "node:path";
import { K8sFileParser, PartialJoiner, type LogMessage, type LogRecord } from "./k8s-file-parse.ts";
import { tailStart } from "./tail-offset.ts";

export interface ReadLogsOptions {
  /** Only messages at or after this log time (see apiTimeToLogTime); inclusive, as Docker. */
  readonly since?: string;
  /** Only messages at or before this log time; reading stops at the first later one. */
  readonly until?: string;
  /** Last N messages across all files; default "all". */
  readonly tail?: number | "all";
  readonly follow: boolean;
  readonly stdout: boolean;
  readonly stderr: boolean;
  /** Ends the read (follow or not) at the next chunk boundary. */
  readonly signal?: AbortSignal;
  /** In follow mode: once this resolves, read to the end of the log and stop. */
  readonly exited?: Promise<void>;
  /** Follow mode re-checks the file this often even without a file-system event. */
  readonly pollMs?: number;
  /**
   * false: each record goes out as soon as it is read, a partial line (a prompt, a typed
   * character's echo) included, as an attached terminal needs; default true (`docker logs`).
   */
  readonly joinPartials?: boolean;
}

const CHUNK = 1 << 20;

/**
 * Messages in batches (one per read of up to 1 MiB): the API layer frames a batch into one
 * write, which is what makes reading back 100 MB fast. `paths`: rotated files oldest first, the
 * current file last (the one followed).
 */
export async function* readLogBatches(
  paths: readonly string[],
  options: ReadLogsOptions,
): AsyncGenerator<LogMessage[], void, undefined> {
  const { signal, since, until } = options;
  const current = paths[paths.length - 1];
  if (current === undefined) return;
  const tail = options.tail ?? "all";
  const start = tail === "all" ? { index: 0, offset: 0 } : await tailStart(paths, Math.max(0, tail));
  const parser = new K8sFileParser();
  const joiner = new PartialJoiner();
  let done = false;

  const select = (records: LogRecord[], flush: boolean): LogMessage[] => {
    const joined: LogMessage[] = [];
    if (options.joinPartials === false) joined.push(...records);
    else for (const r of records) joiner.push(r, joined);
    if (flush) joiner.flush(joined);
    const out: LogMessage[] = [];
    for (const m of joined) {
      if (until !== undefined && m.time > until) {
        done = true;
        break;
      }
      if (since !== undefined && m.time < since) continue;
      if (m.stream === "stdout" ? options.stdout : options.stderr) out.push(m);
    }
    return out;
  };

  /** Reads fh from `position` to its current end; returns the new position. */
  async function* drain(fh: FileHandle, position: number, pos: { at: number }): AsyncGenerator<LogMessage[]> {
    pos.at = position;
    while (!done && signal?.aborted !== true) {
      // A fresh buffer per read: records are views into it and may outlive this loop.
      const buf = Buffer.allocUnsafe(CHUNK);
      const { bytesRead } = await fh.read(buf, 0, CHUNK, pos.at);
      if (bytesRead === 0) return;
      pos.at += bytesRead;
      const batch = select(parser.push(buf.subarray(0, bytesRead)), false);
      if (batch.length > 0) yield batch;
    }
  }

  // The rotated files, read once to their end.
  for (let index = start.index; index < paths.length - 1 && !done; index++) {
    const fh = await openIfExists(paths[index] ?? "");
    if (fh === undefined) continue;
    try {
      yield* drain(fh, index === start.index ? start.offset : 0, { at: 0 });
    } finally {
      await fh.close();
    }
    // A line cut short is never completed in another file.
    parser.reset();
  }

  const follower = options.follow ? new Follower(current, options) : undefined;
  try {
    let fh: FileHandle | undefined = await openIfExists(current);
    while (fh === undefined && follower !== undefined && !done && (await follower.wait()) !== "stop") {
      fh = await openIfExists(current);
    }
    // Told to stop (the container exited) before the file was seen: it may exist by now, and
    // what it holds was written before the exit.
    if (fh === undefined && follower !== undefined) fh = await openIfExists(current);
    if (fh === undefined) {
      const last = select([], true);
      if (last.length > 0) yield last;
      return;
    }
    const pos = { at: 0 };
    let position = start.index === paths.length - 1 ? start.offset : 0;
    try {
      for (;;) {
        const exitedBefore = follower?.exited ?? true;
        yield* drain(fh, position, pos);
        position = pos.at;
        if (done || signal?.aborted === true || follower === undefined) break;
        // Rotated: conmon closed the old file before creating the new one, so what we drained
        // from the old descriptor is all of it.
        const ino = await inodeOf(current);
        if (ino !== undefined && ino !== (await fh.stat()).ino) {
          yield* drain(fh, position, pos);
          await fh.close();
          fh = undefined;
          parser.reset();
          position = 0;
          let next = await openIfExists(current);
          while (next === undefined && (await follower.wait()) === "more") next = await openIfExists(current);
          if (next === undefined) break;
          fh = next;
          continue;
        }
        if (exitedBefore) break;
        if ((await follower.wait()) === "stop") {
          if (follower.exited) continue;
          break;
        }
      }
    } finally {
      await fh?.close();
    }
    if (signal?.aborted !== true) {
      const last = select([], true);
      if (last.length > 0) yield last;
    }
  } finally {
    follower?.close();
  }
}

/** readLogBatches one message at a time. */
export async function* readLogs(
  paths: readonly string[],
  options: ReadLogsOptions,
): AsyncGenerator<LogMessage, void, undefined> {
  for await (const batch of readLogBatches(paths, options)) yield* batch;
}

/** Wakes a follower on file-system events in the log's directory, a poll tick, exit or abort. */
class Follower {
  exited = false;
  #wake: (() => void) | undefined;
  #dirty = false;
  #watcher: FSWatcher | undefined;
  readonly #dir: string;
  readonly #pollMs: number;
  readonly #signal: AbortSignal | undefined;
  readonly #untilMs: number | undefined;

  constructor(path: string, options: ReadLogsOptions) {
    this.#pollMs = options.pollMs ?? 250;
    this.#signal = options.signal;
    this.#untilMs = options.until === undefined ? undefined : Date.parse(options.until);
    this.#dir = dirname(path);
    this.#watch();
    void options.exited?.then(() => {
      this.exited = true;
      this.#poke();
    });
    this.#signal?.addEventListener("abort", () => this.#poke(), { once: true });
  }

  /**
   * Watches the log's directory. It does not exist yet when a client attaches before the first
   * start (docker run): then each wait tries again, so a follower does not stay on the poll
   * tick (a 250 ms echo on a terminal) once the container runs.
   */
  #watch(): void {
    try {
      this.#watcher = watch(this.#dir, { persistent: false }, () => this.#poke());
      this.#watcher.on("error", () => undefined);
      this.#dirty = true; // written before the watch began: read it
    } catch {
      // No inotify (or no directory yet): the poll tick still finds new data.
      this.#watcher = undefined;
    }
  }

  #poke(): void {
    this.#dirty = true;
    this.#wake?.();
  }

  /** "stop" when aborted, past `until`, or the container exited; "more" otherwise. */
  async wait(): Promise<"more" | "stop"> {
    const stop = (): boolean =>
      this.#signal?.aborted === true ||
      this.exited ||
      (this.#untilMs !== undefined && Date.now() > this.#untilMs);
    if (stop()) return "stop";
    if (this.#watcher === undefined) this.#watch();
    if (!this.#dirty) {
      await new Promise<void>((resolve) => {
        // Without a watch (no directory yet), look again soon: the container may be starting.
        const timer = setTimeout(resolve, this.#watcher ? this.#pollMs : Math.min(this.#pollMs, 50));
        this.#wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.#wake = undefined;
    }
    this.#dirty = false;
    return stop() ? "stop" : "more";
  }

  close(): void {
    this.#watcher?.close();
  }
}

async function openIfExists(path: string): Promise<FileHandle | undefined> {
  try {
    return await open(path, "r");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw err;
  }
}

async function inodeOf(path: string): Promise<number | undefined> {
  try {
    return (await stat(path)).ino;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw err;
  }
}

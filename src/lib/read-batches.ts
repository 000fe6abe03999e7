// Reads a byte stream as batches of the chunks that arrived since the consumer last asked, from
// 'data' events. A Readable's own async iterator costs more for a large upload (a 117 MiB
// `docker load` arrives as ~5,700 chunks): one promise per chunk, and when several chunks are
// buffered its read() concatenates them into a new buffer (a copy of the data, and garbage for
// the GC). Here a batch is the chunks themselves, never copied, with one await per batch; the
// stream is paused while more than `maxBuffered` bytes wait, so a slow consumer still pushes
// back on the sender.
import type { Readable } from "node:stream";

const DEFAULT_MAX_BUFFERED = 2 * 1024 * 1024;

/**
 * Yields the chunks of `stream` in arrival order, grouped in non-empty arrays, until it ends.
 * A stream error (or a close before the end) is thrown. Leaving early (break, throw) destroys
 * the stream, as leaving a Readable's own async iterator does; with `onLeave: "drain"` the rest
 * is read and dropped instead (a request body: its socket still carries the error reply).
 */
export async function* readBatches(
  stream: Readable,
  maxBuffered: number = DEFAULT_MAX_BUFFERED,
  onLeave: "destroy" | "drain" = "destroy",
): AsyncGenerator<Buffer[]> {
  let queue: Buffer[] = [];
  let queued = 0;
  let ended = false;
  let failure: Error | undefined;
  let wake: (() => void) | undefined;
  const notify = (): void => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  const onData = (chunk: Buffer | string): void => {
    const buffer = typeof chunk === "string" ? Buffer.from(chunk) : chunk;
    queue.push(buffer);
    queued += buffer.length;
    if (queued > maxBuffered) stream.pause();
    notify();
  };
  const onEnd = (): void => {
    ended = true;
    notify();
  };
  const onError = (err: Error): void => {
    failure ??= err;
    notify();
  };
  const onClose = (): void => {
    if (!ended)
      failure ??= Object.assign(new Error("premature close"), { code: "ERR_STREAM_PREMATURE_CLOSE" });
    notify();
  };
  stream.on("data", onData);
  stream.once("end", onEnd);
  stream.on("error", onError);
  stream.once("close", onClose);
  if (stream.readableEnded) ended = true;
  else if (stream.destroyed) onClose();
  else stream.resume(); // in case it was paused before
  let complete = false;
  try {
    for (;;) {
      if (queue.length > 0) {
        const batch = queue;
        queue = [];
        queued = 0;
        if (stream.isPaused()) stream.resume();
        yield batch;
        continue;
      }
      if (failure !== undefined) throw failure;
      if (ended) break;
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
    }
    complete = true;
  } finally {
    stream.off("data", onData);
    stream.off("end", onEnd);
    stream.off("error", onError);
    stream.off("close", onClose);
    if (!complete && onLeave === "destroy") stream.destroy();
    else if (!complete) {
      stream.on("error", () => undefined); // nobody reads it any more
      stream.resume(); // flowing with no 'data' listener: chunks are dropped
    }
  }
}

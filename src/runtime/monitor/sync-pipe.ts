// conmon's sync pipe (fd named by _OCI_SYNCPIPE): with --api-version it writes one JSON line
// per event, {"data": n, "message"?: s}. After `create`, n is the container pid, or -1 with the
// runtime's stderr as message when create failed.
import type { Readable } from "node:stream";

export interface SyncMessage {
  readonly data: number;
  readonly message?: string;
}

export function parseSyncMessage(line: string): SyncMessage | undefined {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (typeof value !== "object" || value === null) return undefined;
  const { data, message } = value as Record<string, unknown>;
  if (typeof data !== "number") return undefined;
  return typeof message === "string" ? { data, message } : { data };
}

/**
 * Resolves with the first message, or undefined if the pipe closes without one (conmon died
 * before writing: its stderr and exit status tell why).
 */
export function readSyncMessage(stream: Readable): Promise<SyncMessage | undefined> {
  return new Promise((resolve) => {
    let buffered = "";
    const done = (message: SyncMessage | undefined): void => {
      stream.off("data", onData);
      stream.off("end", onEnd);
      stream.off("error", onEnd);
      resolve(message);
    };
    const onData = (chunk: Buffer): void => {
      buffered += chunk.toString("utf8");
      const newline = buffered.indexOf("\n");
      if (newline >= 0) done(parseSyncMessage(buffered.slice(0, newline)));
    };
    const onEnd = (): void => done(buffered.trim() === "" ? undefined : parseSyncMessage(buffered));
    stream.on("data", onData);
    stream.on("end", onEnd);
    stream.on("error", onEnd);
  });
}

// Prints a daemon's JSON message stream (load, import, pull, push, build) the way the docker
// CLI's jsonmessage.DisplayJSONMessagesStream does for a non-terminal: `stream` text as is,
// `status` lines, and the first `error` ends the display with that message.
import type { JsonMessage } from "../api/types/index.ts";
import { streamLines } from "./stream-lines.ts";

export class StreamError extends Error {
  override readonly name = "StreamError";
}

export async function displayJsonMessages(
  body: AsyncIterable<Buffer>,
  out: NodeJS.WritableStream,
): Promise<void> {
  const handle = (line: string): void => {
    const msg = JSON.parse(line) as JsonMessage;
    if (msg.error !== undefined || msg.errorDetail !== undefined) {
      throw new StreamError(msg.errorDetail?.message ?? msg.error ?? "unknown error");
    }
    if (msg.stream !== undefined) out.write(msg.stream);
    else if (msg.status !== undefined) {
      out.write(
        `${msg.id !== undefined ? `${msg.id}: ` : ""}${msg.status}${msg.progress ? ` ${msg.progress}` : ""}\n`,
      );
    }
  };
  for await (const line of streamLines(body)) handle(line);
}

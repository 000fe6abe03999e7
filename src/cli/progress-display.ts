// Draws a daemon's pull/push progress stream as the docker CLI does (jsonmessage
// DisplayJSONMessagesStream): on a terminal one line per layer id, redrawn in place with a bar
// from progressDetail; elsewhere only the status lines, without the byte-by-byte progress.
import type { JsonMessage } from "../api/types/index.ts";
import { humanSize } from "./humanize.ts";
import { StreamError } from "./json-messages.ts";
import { streamLines } from "./stream-lines.ts";

export interface DisplayOptions {
  /** Draw bars in place (stdout is a terminal). */
  tty: boolean;
  /** Called for messages with aux (push digests). */
  onAux?: (aux: Record<string, unknown>) => void;
}

export async function displayProgress(
  body: AsyncIterable<Buffer>,
  out: NodeJS.WritableStream,
  options: DisplayOptions,
): Promise<void> {
  const lines = new Map<string, number>();
  let count = 0;
  const show = (msg: JsonMessage): void => {
    if (msg.errorDetail !== undefined || msg.error !== undefined) {
      throw new StreamError(msg.errorDetail?.message ?? msg.error ?? "unknown error");
    }
    if (msg.aux !== undefined) {
      options.onAux?.(msg.aux);
      return;
    }
    if (msg.stream !== undefined) {
      out.write(msg.stream);
      return;
    }
    if (msg.status === undefined) return;
    const detail = msg.progressDetail;
    const hasProgress = detail?.current !== undefined && detail.total !== undefined;
    if (!options.tty) {
      if (hasProgress) return;
      out.write(`${msg.id !== undefined ? `${msg.id}: ` : ""}${msg.status}\n`);
      return;
    }
    const text = `${msg.id !== undefined ? `${msg.id}: ` : ""}${msg.status}${
      hasProgress ? ` ${bar(detail.current ?? 0, detail.total ?? 0)}` : ""
    }`;
    if (msg.id === undefined) {
      out.write(`${text}\n`);
      count++;
      return;
    }
    const line = lines.get(msg.id);
    if (line === undefined) {
      lines.set(msg.id, count);
      count++;
      out.write(`${text}\n`);
      return;
    }
    // Up to the layer's line, rewrite it, and back down (ANSI cursor movement, as docker does).
    const up = count - line;
    out.write(`\x1b[${up}A\r\x1b[2K${text}\r\x1b[${up}B`);
  };
  for await (const line of streamLines(body)) show(JSON.parse(line) as JsonMessage);
}

/** jsonmessage's bar: 50 columns then current/total in go-units sizes. */
export function bar(current: number, total: number): string {
  const numbers = `${humanSize(current).padStart(8)}/${humanSize(total)}`;
  if (total <= 0 || current > total) return numbers.trim();
  const filled = Math.floor((current / total) * 50);
  const fill = filled >= 50 ? "=".repeat(50) : `${"=".repeat(filled)}>${" ".repeat(50 - filled - 1)}`;
  return `[${fill}] ${numbers}`;
}

// runc --log-format json writes one {"level","msg","time"} object per line; the last "error"
// line written during a call is the real reason the call failed (stderr may only say "exit 1").
import { open, stat } from "node:fs/promises";

export interface RuntimeLogEntry {
  readonly level: string;
  readonly msg: string;
  readonly time?: string;
}

/** Current size of the log, so a caller can later read only what one call appended. */
export async function logOffset(path: string): Promise<number> {
  try {
    return (await stat(path)).size;
  } catch {
    return 0;
  }
}

export function parseRuntimeLog(text: string): RuntimeLogEntry[] {
  const entries: RuntimeLogEntry[] = [];
  for (const line of text.split("\n")) {
    if (line.trim() === "") continue;
    try {
      const value: unknown = JSON.parse(line);
      if (typeof value !== "object" || value === null) continue;
      const { level, msg, time } = value as Record<string, unknown>;
      if (typeof level === "string" && typeof msg === "string") {
        entries.push(typeof time === "string" ? { level, msg, time } : { level, msg });
      }
    } catch {
      // A torn last line (the runtime still writing) or a non-JSON line: skip it.
    }
  }
  return entries;
}

/** The last error message the runtime logged after `offset`, if any. */
export async function lastRuntimeError(path: string, offset = 0): Promise<string | undefined> {
  let text: string;
  try {
    const handle = await open(path, "r");
    try {
      const { size } = await handle.stat();
      const length = Math.max(0, size - offset);
      const buffer = Buffer.alloc(length);
      await handle.read(buffer, 0, length, offset);
      text = buffer.toString("utf8");
    } finally {
      await handle.close();
    }
  } catch {
    return undefined;
  }
  const errors = parseRuntimeLog(text).filter((e) => e.level === "error" || e.level === "fatal");
  return errors.at(-1)?.msg;
}

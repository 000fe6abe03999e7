// Detach keys (`--detach-keys`, default ctrl-p,ctrl-q): the key list as Docker parses it
// (moby/term ToBytes: comma-separated single characters or ctrl-<a-z@[\]^_>), and a matcher
// over the bytes a client types that holds back a partial sequence until it is decided.
import { invalidArgument } from "./errors.ts";

export const DEFAULT_DETACH_KEYS = "ctrl-p,ctrl-q";

export function parseDetachKeys(keys: string): Buffer {
  const out: number[] = [];
  for (const raw of keys.split(",")) {
    const key = raw.trim();
    const lower = key.toLowerCase();
    if (lower.startsWith("ctrl-") && key.length === 6) {
      const c = lower.charCodeAt(5);
      if (c >= 0x61 && c <= 0x7a) out.push(c - 0x60);
      else if (c >= 0x40 && c <= 0x5f)
        out.push(c - 0x40); // @ [ \ ] ^ _
      else throw badKeys(keys);
    } else if (key.length === 1) {
      out.push(key.charCodeAt(0));
    } else {
      throw badKeys(keys);
    }
  }
  return Buffer.from(out);
}

function badKeys(keys: string): Error {
  return invalidArgument("INVALID_DETACH_KEYS", `Invalid detach keys (${keys}) provided`);
}

/** Feeds typed bytes; returns what to pass on, and whether the sequence was completed. */
export class DetachMatcher {
  private held = 0;

  constructor(private readonly keys: Buffer) {}

  feed(chunk: Buffer): { pass: Buffer; detach: boolean } {
    const out: number[] = [];
    for (const byte of chunk) {
      if (this.keys.length > 0 && byte === this.keys[this.held]) {
        this.held++;
        if (this.held === this.keys.length) return { pass: Buffer.from(out), detach: true };
        continue;
      }
      // A broken sequence: the held keys were typed for real.
      for (let i = 0; i < this.held; i++) out.push(this.keys[i] ?? 0);
      this.held = 0;
      if (this.keys.length > 0 && byte === this.keys[0]) this.held = 1;
      else out.push(byte);
    }
    return { pass: Buffer.from(out), detach: false };
  }
}

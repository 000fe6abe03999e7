// Signal names and numbers as Docker takes them for `kill -s`, `stop -s` and --stop-signal
// (moby/sys/signal ParseSignal with its Linux SignalMap): a number, or a name with or without
// "SIG" in any case, RTMIN+n and RTMAX-n included. Anything else is "Invalid signal: x" (400).
import { constants } from "node:os";
import { EngineError } from "../lib/index.ts";

const SIGRTMIN = 34;
const SIGRTMAX = 64;

export const invalidSignal = (raw: string): EngineError =>
  new EngineError("invalid-argument", "INVALID_SIGNAL", `Invalid signal: ${raw}`);

/** The signal's number; throws invalidSignal for an unknown name, 0 or a non-number. */
export function parseSignal(raw: string): number {
  if (/^\+?\d+$/.test(raw)) {
    const n = Number(raw);
    if (n === 0 || !Number.isSafeInteger(n)) throw invalidSignal(raw);
    return n;
  }
  const upper = raw.toUpperCase();
  const name = upper.startsWith("SIG") ? upper.slice(3) : upper;
  if (name === "CLD") return constants.signals.SIGCHLD; // an alias Node does not list
  const fixed = (constants.signals as Record<string, number | undefined>)[`SIG${name}`];
  if (name !== "" && fixed !== undefined) return fixed;
  const rt = /^RT(MIN|MAX)(?:([+-])([1-9]\d?))?$/.exec(name);
  if (rt) {
    const [, base, sign, offset = "0"] = rt;
    const n = Number(offset);
    if (base === "MIN" && (sign === undefined || sign === "+") && n <= 15) return SIGRTMIN + n;
    if (base === "MAX" && (sign === undefined || sign === "-") && n <= 14) return SIGRTMAX - n;
  }
  throw invalidSignal(raw);
}

// A subset of Go's fmt package: Sprint, Sprintln, Sprintf and the %v
// rendering of values (maps as map[k:v], slices as [a b], structs as {a b}).
// Error forms such as %!d(string=x), %!s(MISSING) and %!(EXTRA ...) match Go.

import { formatFloat, type FloatFormat } from "./go-float.ts";
import { kindOf, mapEntries, structFields, typeName } from "./go-value.ts";

interface Spec {
  minus: boolean;
  plus: boolean;
  sharp: boolean;
  space: boolean;
  zero: boolean;
  plusV: boolean;
  sharpV: boolean;
  width: number | undefined;
  prec: number | undefined;
}

const noFlags: Spec = {
  minus: false,
  plus: false,
  sharp: false,
  space: false,
  zero: false,
  plusV: false,
  sharpV: false,
  width: undefined,
  prec: undefined,
};

/** fmt.Sprint: spaces between operands when neither side is a string. */
export function sprint(args: readonly unknown[]): string {
  let out = "";
  args.forEach((arg, i) => {
    const isString = typeof arg === "string";
    if (i > 0 && !isString && typeof args[i - 1] !== "string") out += " ";
    out += formatValue(arg, "v", noFlags);
  });
  return out;
}

/** fmt.Sprintln: always a space between operands, then a newline. */
export function sprintln(args: readonly unknown[]): string {
  return args.map((a) => formatValue(a, "v", noFlags)).join(" ") + "\n";
}

/** The %v form of one value. */
export function sprintValue(v: unknown): string {
  return formatValue(v, "v", noFlags);
}

/** fmt.Sprintf. */
export function sprintf(format: string, args: readonly unknown[]): string {
  let out = "";
  let argNum = 0;
  let reordered = false;
  const end = format.length;
  let i = 0;
  while (i < end) {
    const pct = format.indexOf("%", i);
    if (pct < 0) {
      out += format.slice(i);
      break;
    }
    out += format.slice(i, pct);
    i = pct + 1;
    const spec: Spec = { ...noFlags };
    // Flags.
    for (; i < end; i++) {
      const c = format[i];
      if (c === "-") {
        spec.minus = true;
        spec.zero = false;
      } else if (c === "+") spec.plus = true;
      else if (c === "#") spec.sharp = true;
      else if (c === " ") spec.space = true;
      else if (c === "0") spec.zero = !spec.minus;
      else break;
    }
    // Width: a number, or * taking an int argument; either may follow [n].
    let badArgIndex = false;
    const takeIndex = (): void => {
      // [n] picks argument n; a malformed index is reported at the verb.
      if (format[i] !== "[") return;
      reordered = true;
      const close = format.indexOf("]", i);
      const digits = close < 0 ? "" : format.slice(i + 1, close);
      const n = Number(digits);
      if (!/^\d+$/.test(digits) || n < 1 || n > args.length) badArgIndex = true;
      else argNum = n - 1;
      i = close < 0 ? i + 1 : close + 1;
    };
    takeIndex();
    if (format[i] === "*") {
      i++;
      const w = args[argNum++];
      if (typeof w !== "number" || !Number.isInteger(w)) out += "%!(BADWIDTH)";
      else {
        spec.width = Math.abs(w);
        if (w < 0) {
          spec.minus = true;
          spec.zero = false;
        }
      }
    } else {
      const m = /^\d+/.exec(format.slice(i));
      if (m !== null) {
        spec.width = Number(m[0]);
        i += m[0].length;
      }
    }
    if (format[i] === ".") {
      i++;
      takeIndex();
      if (format[i] === "*") {
        i++;
        const p = args[argNum++];
        if (typeof p !== "number" || !Number.isInteger(p) || p < 0) out += "%!(BADPREC)";
        else spec.prec = p;
      } else {
        const m = /^\d+/.exec(format.slice(i));
        spec.prec = m === null ? 0 : Number(m[0]);
        if (m !== null) i += m[0].length;
      }
    }
    takeIndex();
    if (i >= end) {
      out += "%!(NOVERB)";
      break;
    }
    const verb = String.fromCodePoint(format.codePointAt(i) ?? 0);
    i += verb.length;
    if (verb === "%") {
      out += "%";
      continue;
    }
    if (badArgIndex) {
      out += `%!${verb}(BADINDEX)`;
      continue;
    }
    if (argNum >= args.length) {
      out += `%!${verb}(MISSING)`;
      continue;
    }
    const arg = args[argNum++];
    if (verb === "v") {
      if (spec.sharp) {
        spec.sharp = false;
        spec.sharpV = true;
      }
      if (spec.plus) {
        spec.plus = false;
        spec.plusV = true;
      }
    }
    out += formatValue(arg, verb, spec);
  }
  if (!reordered && argNum < args.length) {
    const extra = args
      .slice(argNum)
      .map((a) => (a === null || a === undefined ? "<nil>" : `${typeName(a)}=${sprintValue(a)}`));
    out += `%!(EXTRA ${extra.join(", ")})`;
  }
  return out;
}

function badVerb(v: unknown, verb: string): string {
  if (v === null || v === undefined) return `%!${verb}(<nil>)`;
  return `%!${verb}(${typeName(v)}=${sprintValue(v)})`;
}

function formatValue(v: unknown, verb: string, spec: Spec): string {
  if (verb === "T") return pad(typeName(v), spec);
  const objectFormatted = formatObjectMethods(v, verb, spec);
  if (objectFormatted !== undefined) return objectFormatted;
  switch (kindOf(v)) {
    case "nil":
      return verb === "v" ? pad("<nil>", spec) : badVerb(v, verb);
    case "bool":
      return verb === "v" || verb === "t" ? pad(String(v), spec) : badVerb(v, verb);
    case "int":
      return formatInt(typeof v === "bigint" ? v : BigInt(v as number), v, verb, spec);
    case "float":
      return formatFloatVerb(Number(v), verb, spec);
    case "string":
      return formatString(v as string, verb, spec);
    case "slice": {
      // Go applies the width to every element, not to the whole.
      const inner = (v as unknown[]).map((e) => formatValue(e, verb, spec));
      return `[${inner.join(" ")}]`;
    }
    case "map": {
      const inner = mapEntries(v).map(
        ([k, e]) => `${formatValue(k, verb, spec)}:${formatValue(e, verb, spec)}`,
      );
      return `map[${inner.join(" ")}]`;
    }
    case "struct": {
      const inner = structFields(v as object).map(([k, e]) => {
        const s = formatValue(e, verb, spec);
        return spec.plusV || spec.sharpV ? `${k}:${s}` : s;
      });
      return `{${inner.join(" ")}}`;
    }
    case "func":
      return pad("0x1", spec);
  }
}

/** Go calls Error() and String() for %v and %s when a value has them. */
function formatObjectMethods(v: unknown, verb: string, spec: Spec): string | undefined {
  if (typeof v !== "object" || v === null || !"vsqxX".includes(verb) || kindOf(v) !== "struct")
    return undefined;
  if (v instanceof Date) return formatString(goTimeString(v), verb, spec);
  for (const name of ["Error", "String"]) {
    const m = (v as Record<string, unknown>)[name];
    if (typeof m === "function") {
      const s: unknown = (m as () => unknown).call(v);
      if (typeof s === "string") return formatString(s, verb, spec);
    }
  }
  return undefined;
}

/** time.Time.String() in UTC: "2006-01-02 15:04:05.999999999 +0000 UTC". */
function goTimeString(d: Date): string {
  const iso = d.toISOString();
  const frac = iso.slice(20, 23).replace(/0+$/, "");
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}${frac === "" ? "" : "." + frac} +0000 UTC`;
}

/** Pads to the width (counted in code points) with spaces, or zeros when asked. */
function pad(s: string, spec: Spec, zeroOk = true): string {
  const width = spec.width;
  if (width === undefined) return s;
  const n = width - [...s].length;
  if (n <= 0) return s;
  if (spec.minus) return s + " ".repeat(n);
  if (spec.zero && zeroOk) return "0".repeat(n) + s;
  return " ".repeat(n) + s;
}

/** Pads a signed number: zero padding goes between the sign and the digits. */
function padNumber(sign: string, digits: string, spec: Spec): string {
  if (spec.zero && !spec.minus && spec.width !== undefined) {
    const n = spec.width - sign.length - digits.length;
    return sign + (n > 0 ? "0".repeat(n) : "") + digits;
  }
  return pad(sign + digits, spec, false);
}

function signOf(neg: boolean, spec: Spec): string {
  if (neg) return "-";
  if (spec.plus) return "+";
  if (spec.space) return " ";
  return "";
}

function formatInt(n: bigint, original: unknown, verb: string, spec: Spec): string {
  const neg = n < 0n;
  const abs = neg ? -n : n;
  let digits: string;
  switch (verb) {
    case "v":
    case "d":
      digits = abs.toString(10);
      break;
    case "b":
      digits = abs.toString(2);
      break;
    case "o":
    case "O":
      digits = abs.toString(8);
      break;
    case "x":
      digits = abs.toString(16);
      break;
    case "X":
      digits = abs.toString(16).toUpperCase();
      break;
    case "c":
      return pad(String.fromCodePoint(Number(n)), spec);
    case "q":
      return pad(quoteRune(Number(n)), spec);
    case "U": {
      const hex = abs.toString(16).toUpperCase().padStart(4, "0");
      return pad(`U+${hex}`, spec);
    }
    case "e":
    case "E":
    case "f":
    case "F":
    case "g":
    case "G":
      // Lenient: Go rejects floats verbs for ints, but JavaScript cannot tell 3.0 from 3.
      return formatFloatVerb(Number(n), verb, spec);
    default:
      return badVerb(original, verb);
  }
  if (spec.prec !== undefined) {
    digits = spec.prec === 0 && abs === 0n ? "" : digits.padStart(spec.prec, "0");
  }
  let prefix = "";
  if (spec.sharp) {
    if (verb === "x") prefix = "0x";
    else if (verb === "X") prefix = "0X";
    else if (verb === "o" && !digits.startsWith("0")) prefix = "0";
    else if (verb === "b") prefix = "0b";
  }
  if (verb === "O") prefix = "0o";
  const sign = signOf(neg, spec);
  const zeroOk = spec.prec === undefined;
  return padNumber(sign + prefix, digits, { ...spec, zero: spec.zero && zeroOk });
}

function formatFloatVerb(x: number, verb: string, spec: Spec): string {
  let fmt: FloatFormat;
  let prec: number;
  switch (verb) {
    case "v":
      fmt = "g";
      prec = spec.prec ?? -1;
      break;
    case "g":
    case "G":
      fmt = verb;
      prec = spec.prec ?? -1;
      break;
    case "e":
    case "E":
      fmt = verb;
      prec = spec.prec ?? 6;
      break;
    case "f":
    case "F":
      fmt = "f";
      prec = spec.prec ?? 6;
      break;
    default:
      return badVerb(x, verb);
  }
  const s = formatFloat(x, fmt, prec);
  const neg = s.startsWith("-");
  const body = neg ? s.slice(1) : s;
  if (!Number.isFinite(x)) {
    // Infinities and NaN are never zero padded.
    const inf = body === "+Inf" ? "Inf" : body;
    const sign = Number.isNaN(x) ? (spec.plus ? "+" : spec.space ? " " : "") : signOf(x < 0, spec);
    return pad(sign + inf, { ...spec, zero: false });
  }
  return padNumber(signOf(neg, spec), body, spec);
}

function formatString(s: string, verb: string, spec: Spec): string {
  switch (verb) {
    case "v":
    case "s": {
      if (spec.sharpV) return pad(quote(s), spec);
      const t = spec.prec !== undefined ? [...s].slice(0, spec.prec).join("") : s;
      return pad(t, spec);
    }
    case "q": {
      const t = spec.prec !== undefined ? [...s].slice(0, spec.prec).join("") : s;
      if (spec.sharp && !/[`\x00-\x08\x0a-\x1f\x7f]/.test(t)) return pad("`" + t + "`", spec);
      return pad(spec.plus ? quoteASCII(t) : quote(t), spec);
    }
    case "x":
    case "X": {
      let bytes = Buffer.from(s, "utf8");
      if (spec.prec !== undefined) bytes = bytes.subarray(0, spec.prec);
      let hex = bytes.toString("hex");
      if (verb === "X") hex = hex.toUpperCase();
      return pad(hex, spec);
    }
    default:
      return badVerb(s, verb);
  }
}

const simpleEscapes: Record<string, string> = {
  "\x07": "\\a",
  "\b": "\\b",
  "\f": "\\f",
  "\n": "\\n",
  "\r": "\\r",
  "\t": "\\t",
  "\v": "\\v",
  "\\": "\\\\",
};

// Made on first use: parsing its Unicode property classes is ~0.5 ms, on every berth start if
// made at load.
let printable: RegExp | undefined;

function escapeChar(ch: string, quoteChar: string, asciiOnly: boolean): string {
  if (ch === quoteChar) return "\\" + ch;
  const simple = simpleEscapes[ch];
  if (simple !== undefined) return simple;
  const cp = ch.codePointAt(0) ?? 0;
  if (
    cp < 0x80
      ? cp >= 0x20 && cp !== 0x7f
      : !asciiOnly && (printable ??= /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u).test(ch)
  )
    return ch;
  if (cp < 0x80) return `\\x${cp.toString(16).padStart(2, "0")}`;
  if (cp < 0x10000) return `\\u${cp.toString(16).padStart(4, "0")}`;
  return `\\U${cp.toString(16).padStart(8, "0")}`;
}

/** strconv.Quote. */
export function quote(s: string): string {
  let out = '"';
  for (const ch of s) out += escapeChar(ch, '"', false);
  return out + '"';
}

/** strconv.QuoteToASCII. */
export function quoteASCII(s: string): string {
  let out = '"';
  for (const ch of s) out += escapeChar(ch, '"', true);
  return out + '"';
}

/** strconv.QuoteRune. */
export function quoteRune(cp: number): string {
  const ch = cp >= 0 && cp <= 0x10ffff ? String.fromCodePoint(cp) : "\ufffd";
  return `'${escapeChar(ch, "'", false)}'`;
}

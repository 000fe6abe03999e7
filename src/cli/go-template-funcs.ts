// The functions a docker --format template can call: Go's text/template
// builtins (and, or, not, len, index, slice, print*, eq..ge, html, js,
// urlquery, call) plus those docker/cli adds (json, split, join, title,
// lower, upper, pad, truncate) and the identity stand-ins docker uses when
// it renders table headers.

import { sprint, sprintf, sprintln, sprintValue } from "./go-fmt.ts";
import type { FuncMap, TemplateFunc } from "./go-template-exec.ts";
import { htmlEscapedJSON, isTrue, kindOf, mapGet, mapSize, typeName } from "./go-value.ts";

function fail(message: string): never {
  throw new Error(message);
}

function toIndex(v: unknown): number {
  const k = kindOf(v);
  if (k !== "int") fail(`cannot index slice/array with type ${typeName(v)}`);
  return Number(v);
}

/** Go's index(item, i...): map misses give the element's zero value. */
function index(item: unknown, ...indexes: unknown[]): unknown {
  // docker renders typed structs, where a nil map (Labels: null) indexes to
  // "" rather than failing as Go's untyped nil would.
  if ((item === undefined || item === null) && indexes.length > 0) return "";
  let cur: unknown = item;
  for (const ix of indexes) {
    switch (kindOf(cur)) {
      case "string": {
        const bytes = Buffer.from(cur as string, "utf8");
        const i = toIndex(ix);
        if (i < 0 || i >= bytes.length) fail(`index out of range: ${i}`);
        cur = bytes[i];
        break;
      }
      case "slice": {
        const arr = cur as unknown[];
        const i = toIndex(ix);
        if (i < 0 || i >= arr.length) fail(`index out of range: ${i}`);
        cur = arr[i];
        break;
      }
      case "map": {
        if (ix === null || ix === undefined) fail("value is nil; should be of type string");
        const { found, value } = mapGet(cur, ix);
        cur = found ? value : zeroOfMapElem(cur);
        break;
      }
      case "nil":
        return "";
      default:
        fail(`can't index item of type ${typeName(cur)}`);
    }
  }
  return cur;
}

/**
 * Zero value for a missing map key. JavaScript maps carry no element type, so
 * a map holding only strings is taken for map[string]string (docker's labels),
 * which gives "" like Go; anything else gives nil (<no value>).
 */
function zeroOfMapElem(m: unknown): unknown {
  const values = m instanceof Map ? [...(m as Map<unknown, unknown>).values()] : Object.values(m as object);
  return values.every((v) => typeof v === "string") ? "" : undefined;
}

function slice(item: unknown, ...indexes: unknown[]): unknown {
  if (item === undefined || item === null) fail("slice of untyped nil");
  const kind = kindOf(item);
  if (kind !== "string" && kind !== "slice") fail(`can't slice item of type ${typeName(item)}`);
  if (indexes.length > 3) fail(`too many slice indexes: ${indexes.length}`);
  if (kind === "string" && indexes.length === 3) fail("cannot 3-index slice a string");
  const seq = kind === "string" ? Buffer.from(item as string, "utf8") : (item as unknown[]);
  const cap = seq.length;
  const ix = [0, seq.length];
  indexes.forEach((v, i) => {
    const n = toIndex(v);
    if (n < 0 || n > cap) fail(`index out of range: ${n}`);
    ix[i] = n;
  });
  const [i = 0, j = seq.length] = ix;
  if (i > j) fail(`invalid slice index: ${i} > ${j}`);
  return kind === "string" ? (seq as Buffer).subarray(i, j).toString("utf8") : (seq as unknown[]).slice(i, j);
}

function len(item: unknown): number {
  switch (kindOf(item)) {
    case "string":
      return Buffer.byteLength(item as string, "utf8");
    case "slice":
      return (item as unknown[]).length;
    case "map":
      return mapSize(item);
    case "nil":
      return fail("reflect: call of reflect.Value.Type on zero Value");
    default:
      return fail(`len of type ${typeName(item)}`);
  }
}

type Basic = "bool" | "number" | "string" | "nil" | "other";

function basicKind(v: unknown): Basic {
  switch (kindOf(v)) {
    case "bool":
      return "bool";
    case "int":
    case "float":
      return "number";
    case "string":
      return "string";
    case "nil":
      return "nil";
    default:
      return "other";
  }
}

function eq(a: unknown, ...rest: unknown[]): boolean {
  if (rest.length === 0) fail("missing argument for comparison");
  const ka = basicKind(a);
  for (const b of rest) {
    const kb = basicKind(b);
    if (ka !== kb) {
      if (ka !== "nil" && kb !== "nil") fail("incompatible types for comparison");
      continue;
    }
    if (ka === "other") {
      if (kindOf(a) === "map" || kindOf(a) === "slice" || kindOf(a) === "func") {
        fail(`non-comparable type ${sprintf("%s", [a])}: ${typeName(a)}`);
      }
      if (a === b) return true;
      continue;
    }
    if (ka === "nil" || (ka === "number" ? Number(a) === Number(b) : a === b)) return true;
  }
  return false;
}

function lt(a: unknown, b: unknown): boolean {
  const ka = basicKind(a);
  const kb = basicKind(b);
  if (ka === "other" || ka === "nil" || ka === "bool") fail("invalid type for comparison");
  if (ka !== kb) fail("incompatible types for comparison");
  if (ka === "number") return Number(a) < Number(b);
  return (a as string) < (b as string);
}

const htmlEscapes: Record<string, string> = {
  "\0": "\uFFFD",
  '"': "&#34;",
  "'": "&#39;",
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
};

/** Go's evalArgs: a lone string argument is used as is, else fmt.Sprint. */
function evalArgs(args: unknown[]): string {
  if (args.length === 1 && typeof args[0] === "string") return args[0];
  return sprint(args);
}

function htmlEscape(...args: unknown[]): string {
  return evalArgs(args).replace(/[\0"'&<>]/g, (c) => htmlEscapes[c] ?? c);
}

function jsEscape(...args: unknown[]): string {
  let out = "";
  for (const ch of evalArgs(args)) {
    const cp = ch.codePointAt(0) ?? 0;
    if (ch === "\\") out += "\\\\";
    else if (ch === "'") out += "\\'";
    else if (ch === '"') out += '\\"';
    else if ("<>&=".includes(ch)) out += `\\u00${cp.toString(16).toUpperCase()}`;
    else if (cp < 0x20) out += `\\u${cp.toString(16).toUpperCase().padStart(4, "0")}`;
    else if (cp >= 0x80 && !/^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u.test(ch)) {
      out += `\\u${cp.toString(16).toUpperCase().padStart(4, "0")}`;
    } else out += ch;
  }
  return out;
}

/** url.QueryEscape. */
function urlQuery(...args: unknown[]): string {
  return encodeURIComponent(evalArgs(args))
    .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, "+");
}

function call(fn: unknown, ...args: unknown[]): unknown {
  if (typeof fn !== "function") fail(`non-function of type ${typeName(fn)}`);
  return (fn as (...a: unknown[]) => unknown)(...args);
}

const f = (
  params: TemplateFunc["params"],
  fn: TemplateFunc["fn"],
  variadic?: TemplateFunc["variadic"],
): TemplateFunc => (variadic === undefined ? { params, fn } : { params, fn, variadic });

/** text/template's predefined functions. */
export const builtinFunctions: FuncMap = {
  and: { params: ["any"], variadic: "any", shortCircuit: "and", fn: () => undefined },
  or: { params: ["any"], variadic: "any", shortCircuit: "or", fn: () => undefined },
  not: f(["any"], (v) => !isTrue(v)),
  len: f(["any"], len),
  index: f(["any"], (item, ...ix) => index(item, ...ix), "any"),
  slice: f(["any"], (item, ...ix) => slice(item, ...ix), "any"),
  print: f([], (...a) => sprint(a), "any"),
  printf: f(["string"], (format, ...a) => sprintf(format as string, a), "any"),
  println: f([], (...a) => sprintln(a), "any"),
  eq: f(["any"], (a, ...rest) => eq(a, ...rest), "any"),
  ne: f(["any", "any"], (a, b) => !eq(a, b)),
  lt: f(["any", "any"], (a, b) => lt(a, b)),
  le: f(["any", "any"], (a, b) => lt(a, b) || eq(a, b)),
  gt: f(["any", "any"], (a, b) => !(lt(a, b) || eq(a, b))),
  ge: f(["any", "any"], (a, b) => !lt(a, b)),
  html: f([], htmlEscape, "any"),
  js: f([], jsEscape, "any"),
  urlquery: f([], urlQuery, "any"),
  call: f(["any"], call, "any"),
};

/** encoding/json with SetEscapeHTML(false), as docker's json function encodes. */
export function goJSON(v: unknown): string {
  const text = JSON.stringify(v, (_key, value: unknown) => {
    if (value instanceof Map)
      return Object.fromEntries([...(value as Map<unknown, unknown>).entries()].sort(byKey));
    if (typeof value === "bigint") return Number(value);
    return value;
  });
  // Go escapes the JavaScript line terminators even without HTML escaping.
  const out = (text ?? "null").replace(/\u2028/g, "\\u2028").replace(/\u2029/g, "\\u2029");
  const own =
    typeof v === "object" && v !== null && "toJSON" in v ? (v as { toJSON(): unknown }).toJSON() : v;
  if (typeof own !== "object" || own === null || !(htmlEscapedJSON in own)) return out;
  return out.replace(/[<>&]/g, (c) => `\\u00${c.charCodeAt(0).toString(16)}`);
}

function byKey([a]: [unknown, unknown], [b]: [unknown, unknown]): number {
  const sa = String(a);
  const sb = String(b);
  return sa < sb ? -1 : sa > sb ? 1 : 0;
}

/** strings.Title: upper-cases the first letter of every word. */
function title(s: string): string {
  let prev = " ";
  let out = "";
  for (const ch of s) {
    out += isSeparator(prev) ? ch.toUpperCase() : ch;
    prev = ch;
  }
  return out;
}

function isSeparator(ch: string): boolean {
  if (/^[0-9A-Za-z_]$/.test(ch)) return false;
  if ((ch.codePointAt(0) ?? 0) < 0x80) return true;
  if (/^[\p{L}\p{Nd}]$/u.test(ch)) return false;
  return /^\s$/u.test(ch);
}

/** strings.Split: an empty separator splits into characters. */
function split(s: string, sep: string): string[] {
  return sep === "" ? [...s] : s.split(sep);
}

function join(elems: unknown, sep: string): string {
  if (elems === null || elems === undefined) return "";
  if (kindOf(elems) === "slice") return (elems as unknown[]).map((e) => sprintValue(e)).join(sep);
  return fail(`wrong type for value; expected []string; got ${typeName(elems)}`);
}

function pad(s: string, prefix: number, suffix: number): string {
  if (s === "") return s;
  return " ".repeat(Math.max(prefix, 0)) + s + " ".repeat(Math.max(suffix, 0));
}

/** Cuts to `length` bytes like docker's truncate (which slices the Go string). */
function truncate(s: string, length: number): string {
  const bytes = Buffer.from(s, "utf8");
  if (bytes.length < length) return s;
  if (length < 0) fail(`runtime error: slice bounds out of range [:${length}]`);
  return bytes.subarray(0, length).toString("utf8");
}

/** The functions docker/cli's templates package adds to every template. */
export const dockerFunctions: FuncMap = {
  json: f(["any"], goJSON),
  split: f(["string", "string"], (s, sep) => split(s as string, sep as string)),
  join: f(["any", "string"], (e, sep) => join(e, sep as string)),
  title: f(["string"], (s) => title(s as string)),
  lower: f(["string"], (s) => (s as string).toLowerCase()),
  upper: f(["string"], (s) => (s as string).toUpperCase()),
  pad: f(["string", "int", "int"], (s, a, b) => pad(s as string, a as number, b as number)),
  truncate: f(["string", "int"], (s, n) => truncate(s as string, n as number)),
};

/** docker's HeaderFunctions: while rendering table headers these leave the header text intact. */
export const headerFunctions: FuncMap = {
  json: f(["string"], (v) => v),
  split: f(["string", "string"], (v) => v),
  join: f(["string", "string"], (v) => v),
  title: f(["string"], (v) => v),
  lower: f(["string"], (v) => v),
  upper: f(["string"], (v) => v),
  truncate: f(["string", "int"], (v) => v),
};

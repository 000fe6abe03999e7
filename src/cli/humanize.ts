// Human-readable sizes, durations and IDs exactly as docker prints them:
// github.com/docker/go-units (HumanSize, BytesSize, HumanDuration,
// FromHumanSize, RAMInBytes) and docker's stringid.TruncateID.
import { humanDuration } from "../lib/index.ts";

export { humanDuration };

import { sprintf } from "./go-fmt.ts";

const decimalUnits = ["B", "kB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB"];
const binaryUnits = ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB", "ZiB", "YiB"];

function sizeAndUnit(size: number, base: number, units: readonly string[]): [number, string] {
  let i = 0;
  while (size >= base && i < units.length - 1) {
    size /= base;
    i++;
  }
  return [size, units[i] ?? ""];
}

/** units.CustomSize: `format` gets the scaled size and the unit, e.g. "%.4g%s". */
export function customSize(format: string, size: number, base: number, units: readonly string[]): string {
  const [n, unit] = sizeAndUnit(size, base, units);
  return sprintf(format, [n, unit]);
}

/** units.HumanSizeWithPrecision: decimal units, `precision` significant digits (%g). */
export function humanSizeWithPrecision(size: number, precision: number): string {
  const [n, unit] = sizeAndUnit(size, 1000, decimalUnits);
  return sprintf("%.*g%s", [precision, n, unit]);
}

/** units.HumanSize: "4.274MB", "0B", "1.2kB" (4 significant digits). docker images/ps use precision 3. */
export function humanSize(size: number): string {
  return humanSizeWithPrecision(size, 4);
}

/** units.BytesSize: binary units, "1.5MiB". */
export function bytesSize(size: number): string {
  return customSize("%.4g%s", size, 1024, binaryUnits);
}

const decimalMultipliers: Readonly<Record<string, number>> = { k: 1e3, m: 1e6, g: 1e9, t: 1e12, p: 1e15 };
const binaryMultipliers: Readonly<Record<string, number>> = {
  k: 2 ** 10,
  m: 2 ** 20,
  g: 2 ** 30,
  t: 2 ** 40,
  p: 2 ** 50,
};

/** units.FromHumanSize: "44kB" -> 44000. Throws go-units' messages. */
export function fromHumanSize(size: string): number {
  return parseSize(size, decimalMultipliers);
}

/** units.RAMInBytes: "512m" -> 536870912 (binary; case-insensitive; b/ib optional). */
export function ramInBytes(size: string): number {
  return parseSize(size, binaryMultipliers);
}

function parseSize(sizeStr: string, multipliers: Readonly<Record<string, number>>): number {
  let sep = -1;
  for (let i = sizeStr.length - 1; i >= 0; i--) {
    if ("0123456789. ".includes(sizeStr[i] ?? "")) {
      sep = i;
      break;
    }
  }
  if (sep === -1) throw new Error(`invalid size: '${sizeStr}'`);
  const num = sizeStr.slice(0, sizeStr[sep] === " " ? sep : sep + 1);
  let sfx = sizeStr.slice(sep + 1);
  let size = parseGoFloat(num);
  if (size < 0) throw new Error(`invalid size: '${sizeStr}'`);
  if (sfx.length === 0) return Math.trunc(size);
  const bad = (): Error => new Error(`invalid suffix: '${sfx}'`);
  if (sfx.length > 3) throw bad();
  sfx = sfx.toLowerCase();
  if (sfx[0] === "b") {
    if (sfx.length > 1) throw bad();
    return Math.trunc(size);
  }
  const mul = multipliers[sfx[0] ?? ""];
  if (mul === undefined) throw bad();
  size *= mul;
  if ((sfx.length === 2 && sfx[1] !== "b") || (sfx.length === 3 && sfx.slice(1) !== "ib")) throw bad();
  return Math.trunc(size);
}

/** strconv.ParseFloat(s, 64) for decimal input, with Go's error text. */
export function parseGoFloat(s: string): number {
  const special = /^([+-]?)(inf|infinity|nan)$/i.exec(s);
  if (special !== null) {
    if ((special[2] ?? "").toLowerCase() === "nan") return NaN;
    return special[1] === "-" ? -Infinity : Infinity;
  }
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s)) {
    throw new Error(`strconv.ParseFloat: parsing "${s}": invalid syntax`);
  }
  const n = Number(s);
  if (!Number.isFinite(n)) throw new Error(`strconv.ParseFloat: parsing "${s}": value out of range`);
  return n;
}

/** docker's "CREATED" column: HumanDuration(now - then) + " ago". */
export function timeAgo(then: Date | number, now: Date | number = Date.now()): string {
  return `${humanDuration(Number(now) - Number(then))} ago`;
}

const shortIDLength = 12;

/** stringid.TruncateID: drops an "algo:" prefix such as "sha256:" and keeps 12 characters. */
export function truncateID(id: string): string {
  const colon = id.indexOf(":");
  const hex = colon >= 0 ? id.slice(colon + 1) : id;
  return hex.length > shortIDLength ? hex.slice(0, shortIDLength) : hex;
}

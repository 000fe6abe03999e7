// Go time formats the docker CLI shows or accepts: RFC 3339 (with
// nanoseconds), time.Time.String(), time.Duration strings, and
// timetypes.GetTimestamp for --since/--until.

/** A Unix instant with nanosecond precision (API timestamps carry nanoseconds). */
export interface Timestamp {
  seconds: number;
  nanos: number;
}

function toTimestamp(t: Timestamp | Date | number): Timestamp {
  if (typeof t === "number" || t instanceof Date) {
    const ms = Number(t);
    const seconds = Math.floor(ms / 1000);
    return { seconds, nanos: Math.round((ms - seconds * 1000) * 1e6) };
  }
  return t;
}

const pad2 = (n: number): string => String(n).padStart(2, "0");

/** Wall-clock fields of `t` shifted by `offsetSeconds`. */
function civil(t: Timestamp, offsetSeconds: number): string {
  const d = new Date((t.seconds + offsetSeconds) * 1000);
  return `${String(d.getUTCFullYear()).padStart(4, "0")}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())}T${pad2(
    d.getUTCHours(),
  )}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())}`;
}

/** Go's ".999999999": nanoseconds with trailing zeros dropped, "" for zero. */
function fraction(nanos: number): string {
  if (nanos === 0) return "";
  return "." + String(nanos).padStart(9, "0").replace(/0+$/, "");
}

/** "Z07:00": "Z" for UTC, else ±hh:mm. */
function zoneOffset(offsetSeconds: number, sep: string, zForUTC: boolean): string {
  if (offsetSeconds === 0 && zForUTC) return "Z";
  const sign = offsetSeconds < 0 ? "-" : "+";
  const abs = Math.abs(offsetSeconds);
  return `${sign}${pad2(Math.floor(abs / 3600))}${sep}${pad2(Math.floor((abs % 3600) / 60))}`;
}

/** time.RFC3339Nano: "2006-01-02T15:04:05.999999999Z07:00" (UTC unless an offset is given). */
export function formatRFC3339Nano(t: Timestamp | Date | number, offsetSeconds = 0): string {
  const ts = toTimestamp(t);
  return civil(ts, offsetSeconds) + fraction(ts.nanos) + zoneOffset(offsetSeconds, ":", true);
}

/** time.RFC3339: "2006-01-02T15:04:05Z07:00". */
export function formatRFC3339(t: Timestamp | Date | number, offsetSeconds = 0): string {
  return civil(toTimestamp(t), offsetSeconds) + zoneOffset(offsetSeconds, ":", true);
}

/** Parses an RFC 3339 timestamp such as the Engine API returns ("...T12:00:00.123456789Z"). */
export function parseRFC3339(value: string): Timestamp {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:\d{2})$/.exec(value);
  if (m === null) throw new Error(`parsing time "${value}" as "2006-01-02T15:04:05Z07:00": cannot parse`);
  const [, y, mo, d, h, mi, s, frac, zone] = m;
  return fromFields(value, { y, mo, d, h, mi, s, frac, zone }, 0);
}

interface Fields {
  y?: string | undefined;
  mo?: string | undefined;
  d?: string | undefined;
  h?: string | undefined;
  mi?: string | undefined;
  s?: string | undefined;
  frac?: string | undefined;
  zone?: string | undefined;
}

function fromFields(value: string, f: Fields, localOffset: number): Timestamp {
  const year = Number(f.y);
  const month = Number(f.mo);
  const day = Number(f.d);
  const hour = Number(f.h ?? 0);
  const minute = Number(f.mi ?? 0);
  const second = Number(f.s ?? 0);
  const fail = (what: string): never => {
    throw new Error(`parsing time "${value}": ${what} out of range`);
  };
  if (month < 1 || month > 12) fail("month");
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (day < 1 || day > daysInMonth) fail("day");
  if (hour > 23) fail("hour");
  if (minute > 59) fail("minute");
  if (second > 59) fail("second");
  let offset = localOffset;
  if (f.zone !== undefined) {
    offset = 0;
    if (f.zone !== "Z") {
      const sign = f.zone.startsWith("-") ? -1 : 1;
      offset = sign * (Number(f.zone.slice(1, 3)) * 3600 + Number(f.zone.slice(4, 6)) * 60);
    }
  }
  const ms = Date.UTC(year, month - 1, day, hour, minute, second);
  const frac = (f.frac ?? "").slice(0, 9).padEnd(9, "0");
  return { seconds: ms / 1000 - offset, nanos: Number(frac) };
}

/** Offset from UTC of the local zone at `t`, in seconds. */
export function localOffsetSeconds(t: Date | number = Date.now()): number {
  return -new Date(Number(t)).getTimezoneOffset() * 60;
}

/** Go's abbreviation for the local zone: "UTC", "CET", or "+09" where none is known. */
export function localZoneName(t: Date | number = Date.now()): string {
  const offset = localOffsetSeconds(t);
  const tz = Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (offset === 0 && (tz === "UTC" || tz === "Etc/UTC" || tz === "Etc/Universal")) return "UTC";
  for (const locale of ["en-US", "en-GB"]) {
    const name = new Intl.DateTimeFormat(locale, { timeZoneName: "short" })
      .formatToParts(new Date(Number(t)))
      .find((p) => p.type === "timeZoneName")?.value;
    if (name !== undefined && !/^(GMT|UTC)[+-]/.test(name)) return name;
  }
  const z = zoneOffset(offset, "", false);
  return z.endsWith("00") ? z.slice(0, 3) : z;
}

/**
 * time.Time.String() in the local zone, as docker's CreatedAt columns print
 * it: "2006-01-02 15:04:05.999999999 -0700 MST".
 */
export function goTimeString(t: Timestamp | Date | number): string {
  const ts = toTimestamp(t);
  const at = ts.seconds * 1000;
  const offset = localOffsetSeconds(at);
  const wall = civil(ts, offset).replace("T", " ");
  return `${wall}${fraction(ts.nanos)} ${zoneOffset(offset, "", false)} ${localZoneName(at)}`;
}

const durationUnits: Readonly<Record<string, number>> = {
  ns: 1,
  us: 1e3,
  µs: 1e3,
  μs: 1e3,
  ms: 1e6,
  s: 1e9,
  m: 60e9,
  h: 3600e9,
};

/** time.ParseDuration: "1h30m", "1.5s", "-300ms" -> nanoseconds. Throws Go's messages. */
export function parseGoDuration(s: string): number {
  const orig = s;
  let rest = s;
  let neg = false;
  if (rest.startsWith("-") || rest.startsWith("+")) {
    neg = rest.startsWith("-");
    rest = rest.slice(1);
  }
  if (rest === "0") return 0;
  if (rest === "") throw new Error(`time: invalid duration "${orig}"`);
  let total = 0;
  while (rest !== "") {
    const num = /^(\d*)(\.(\d*))?/.exec(rest);
    const whole = num?.[1] ?? "";
    const frac = num?.[3] ?? "";
    if (whole === "" && frac === "") throw new Error(`time: invalid duration "${orig}"`);
    rest = rest.slice(num?.[0].length ?? 0);
    const unit = /^[^0-9.]*/.exec(rest)?.[0] ?? "";
    if (unit === "") throw new Error(`time: missing unit in duration "${orig}"`);
    const scale = durationUnits[unit];
    if (scale === undefined) throw new Error(`time: unknown unit "${unit}" in duration "${orig}"`);
    total += Number(whole === "" ? 0 : whole) * scale + (frac === "" ? 0 : Number(`0.${frac}`) * scale);
    rest = rest.slice(unit.length);
  }
  if (total > 2 ** 63) throw new Error(`time: invalid duration "${orig}"`);
  return neg ? -total : total;
}

/** time.Duration.String(): "1h2m3.5s", "1.5ms", "0s". */
export function formatGoDuration(nanos: number | bigint): string {
  let u = BigInt(nanos);
  if (u === 0n) return "0s";
  const neg = u < 0n;
  if (neg) u = -u;
  let out: string;
  if (u < 1_000_000_000n) {
    if (u < 1000n) out = `${u}ns`;
    else if (u < 1_000_000n) out = `${fracString(u, 3)}µs`;
    else out = `${fracString(u, 6)}ms`;
  } else {
    const seconds = fracString(u % 60_000_000_000n, 9);
    let rest = u / 60_000_000_000n;
    out = `${seconds}s`;
    if (rest > 0n) {
      out = `${rest % 60n}m${out}`;
      rest /= 60n;
      if (rest > 0n) out = `${rest}h${out}`;
    }
  }
  return neg ? `-${out}` : out;
}

function fracString(v: bigint, prec: number): string {
  const scale = 10n ** BigInt(prec);
  const frac = String(v % scale)
    .padStart(prec, "0")
    .replace(/0+$/, "");
  return `${v / scale}${frac === "" ? "" : "." + frac}`;
}

/**
 * timetypes.GetTimestamp, for --since/--until: a Go duration counts back from
 * `reference` ("10m" -> "1700000000"), RFC 3339-like dates become
 * "seconds.nanoseconds" (in the reference's zone when none is given), and
 * Unix timestamps pass through unchanged.
 */
export function getTimestamp(value: string, reference: Date = new Date()): string {
  if (value !== "0") {
    let d: number | undefined;
    try {
      d = parseGoDuration(value);
    } catch {
      // not a duration
    }
    if (d !== undefined) return String(Math.floor((reference.getTime() - d / 1e6) / 1000));
  }
  // A Z, a + or three dashes mean the value carries its zone.
  const inLocation = !/[zZ+]/.test(value) && (value.match(/-/g)?.length ?? 0) !== 3;
  let time = "";
  let layout = "2006-01-02";
  if (value.includes(".")) {
    time = "T(?<h>\\d{2}):(?<mi>\\d{2}):(?<s>\\d{2})(?:\\.(?<frac>\\d+))?";
    layout += "T15:04:05.999999999";
  } else if (value.includes("T")) {
    let colons = value.match(/:/g)?.length ?? 0;
    if (!inLocation && !/[zZ]/.test(value) && colons > 0) colons--;
    const n = Math.min(colons, 2);
    time =
      [
        "T(?<h>\\d{2})",
        "T(?<h>\\d{2}):(?<mi>\\d{2})",
        "T(?<h>\\d{2}):(?<mi>\\d{2}):(?<s>\\d{2})(?:\\.(?<frac>\\d+))?",
      ][n] ?? "";
    layout += ["T15", "T15:04", "T15:04:05"][n] ?? "";
  }
  const zone = inLocation ? "" : "(?<zone>Z|[+-]\\d{2}:\\d{2})";
  if (!inLocation) layout += "Z07:00";
  const m = new RegExp(`^(?<y>\\d{4})-(?<mo>\\d{2})-(?<d>\\d{2})${time}${zone}$`).exec(value);
  if (m?.groups !== undefined) {
    const t = fromFields(value, m.groups, localOffsetSeconds(reference));
    return `${t.seconds}.${String(t.nanos).padStart(9, "0")}`;
  }
  // With a dash it was meant as a date; otherwise it may be a Unix timestamp.
  if (value.includes("-"))
    throw new Error(`parsing time "${value}" as "${layout}": cannot parse "${value}" as "${layout}"`);
  if (!/^[+-]?\d+(\.[+-]?\d+)?$/.test(value))
    throw new Error(`failed to parse value as time or duration: "${value}"`);
  return value;
}

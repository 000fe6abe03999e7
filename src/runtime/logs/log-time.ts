// berth's log time: UTC RFC 3339 with exactly nine fraction digits and "Z". It is what Docker
// prints for `docker logs -t` (Go's RFC3339NanoFixed on a UTC time), and being fixed-width, two
// of them compare as strings in time order, with nanosecond precision and no parsing.

/** Per-second cache: conmon stamps every line of a read with one time, lines of a second share it. */
let cacheKey = "";
let cachePrefix = "";
let cacheMs = 0;

/**
 * Converts an RFC 3339 time with any offset and 0–9 fraction digits to berth's log time
 * (UTC, 9 digits, "Z"). Returns undefined when it is not one.
 */
export function toLogTime(ts: string): { time: string; timeMs: number } | undefined {
  // 2026-11-28T04:29:04[.nnnnnnnnn](Z|±hh:mm)
  if (ts.length < 20 || ts.charCodeAt(10) !== 0x54 /* T */) return undefined;
  let i = 19;
  let frac = "";
  if (ts.charCodeAt(19) === 0x2e /* . */) {
    i = 20;
    while (i < ts.length && ts.charCodeAt(i) >= 0x30 && ts.charCodeAt(i) <= 0x39) i++;
    frac = ts.slice(20, i);
    if (frac.length > 9) return undefined;
  }
  const zone = ts.slice(i);
  const key = ts.slice(0, 19) + zone;
  if (key !== cacheKey) {
    const ms = Date.parse(`${ts.slice(0, 19)}${zone === "Z" ? "Z" : zone}`);
    if (Number.isNaN(ms)) return undefined;
    cacheKey = key;
    cacheMs = ms;
    cachePrefix = new Date(ms).toISOString().slice(0, 19);
  }
  const nanos = frac.padEnd(9, "0");
  return { time: `${cachePrefix}.${nanos}Z`, timeMs: cacheMs + Number(nanos.slice(0, 3)) };
}

/**
 * The API's since/until ("UNIX timestamp": seconds, optionally with up to nine fraction digits,
 * as the docker CLI sends them) or an RFC 3339 time, as a log time. undefined when invalid.
 */
export function apiTimeToLogTime(value: string): string | undefined {
  const m = /^(\d+)(?:\.(\d{1,9}))?$/.exec(value);
  if (m === null) return toLogTime(value)?.time;
  const seconds = Number(m[1]);
  const date = new Date(seconds * 1000);
  if (!Number.isSafeInteger(seconds) || Number.isNaN(date.getTime())) return undefined;
  return `${date.toISOString().slice(0, 19)}.${(m[2] ?? "").padEnd(9, "0")}Z`;
}

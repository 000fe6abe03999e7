import assert from "node:assert/strict";
import { test } from "node:test";

import {
  formatGoDuration,
  formatRFC3339,
  formatRFC3339Nano,
  getTimestamp,
  goTimeString,
  parseGoDuration,
  parseRFC3339,
} from "./go-time.ts";

function withTZ(tz: string, fn: () => void): void {
  const saved = process.env["TZ"];
  process.env["TZ"] = tz;
  try {
    fn();
  } finally {
    if (saved === undefined) delete process.env["TZ"];
    else process.env["TZ"] = saved;
  }
}

// What docker 28 sent as ?since= for `docker events --since VALUE` (TZ=UTC).
const timestamps: [string, string][] = [
  ["2024-01-02T03:04:05Z", "1704164645.000000000"],
  ["2024-01-02T03:04:05.123+01:00", "1704161045.123000000"],
  ["2024-01-02", "1704153600.000000000"],
  ["2024-01-02T03", "1704164400.000000000"],
  ["2024-01-02T03:04", "1704164640.000000000"],
  ["2024-01-02T03:04:05", "1704164645.000000000"],
  ["2024-01-02T03:04:05.5", "1704164645.500000000"],
  ["2024-01-02T03:04:05+01:00", "1704161045.000000000"],
  ["2006-01-02-07:00", "1136185200.000000000"],
  ["2024-01-02Z", "1704153600.000000000"],
  ["2024-01-02+01:00", "1704150000.000000000"],
  ["2024-01-02T03Z", "1704164400.000000000"],
  ["2024-01-02T03:04+02:00", "1704157440.000000000"],
  ["1136073600.000000001", "1136073600.000000001"],
  ["1136073600", "1136073600"],
  ["0", "0"],
  ["1.5", "1.5"],
];

test("getTimestamp matches docker --since/--until", () => {
  withTZ("UTC", () => {
    const reference = new Date(1795837618_000);
    for (const [value, want] of timestamps) assert.equal(getTimestamp(value, reference), want, value);
    assert.equal(getTimestamp("10m", reference), "1795837018");
    assert.equal(getTimestamp("1h30m", reference), "1795832218");
    assert.equal(getTimestamp("-5m", reference), "1795837918");
    assert.throws(() => getTimestamp("foo", reference), {
      message: 'failed to parse value as time or duration: "foo"',
    });
    assert.throws(() => getTimestamp("2024-13-01", reference), {
      message: 'parsing time "2024-13-01": month out of range',
    });
    assert.throws(() => getTimestamp("2024-01-02T25:00:00Z", reference), {
      message: 'parsing time "2024-01-02T25:00:00Z": hour out of range',
    });
    assert.throws(
      () => getTimestamp("2024-01-02T03:04:05z", reference),
      /parsing time "2024-01-02T03:04:05z"/,
    );
  });
});

test("local dates use the zone of the reference time", () => {
  withTZ("Europe/Berlin", () => {
    assert.equal(getTimestamp("2024-01-02", new Date(1704153600_000)), "1704150000.000000000");
    assert.equal(getTimestamp("2024-07-02T00:00", new Date(1719878400_000)), "1719871200.000000000");
  });
});

test("RFC 3339 formatting and parsing", () => {
  const t = { seconds: 1136214245, nanos: 999999999 };
  assert.equal(formatRFC3339Nano(t), "2006-01-02T15:04:05.999999999Z");
  assert.equal(
    formatRFC3339Nano({ seconds: 1136214245, nanos: 500000000 }, -7 * 3600),
    "2006-01-02T08:04:05.5-07:00",
  );
  assert.equal(formatRFC3339Nano(new Date(Date.UTC(2024, 0, 2, 3, 4, 5))), "2024-01-02T03:04:05Z");
  assert.equal(formatRFC3339(t), "2006-01-02T15:04:05Z");
  assert.equal(formatRFC3339(t, 5.5 * 3600), "2006-01-02T20:34:05+05:30");
  assert.deepEqual(parseRFC3339("2006-01-02T15:04:05.123456789+01:00"), {
    seconds: 1136210645,
    nanos: 123456789,
  });
  assert.deepEqual(parseRFC3339("2024-01-02T03:04:05Z"), { seconds: 1704164645, nanos: 0 });
  assert.deepEqual(parseRFC3339("2024-01-02T03:04:05.1234567891Z"), {
    seconds: 1704164645,
    nanos: 123456789,
  });
  assert.throws(() => parseRFC3339("2024-01-02 03:04:05"), /cannot parse/);
  assert.throws(() => parseRFC3339("2023-02-29T00:00:00Z"), {
    message: 'parsing time "2023-02-29T00:00:00Z": day out of range',
  });
});

test("time.Time.String() in the local zone", () => {
  const t = { seconds: 1704164645, nanos: 0 };
  withTZ("UTC", () => assert.equal(goTimeString(t), "2024-01-02 03:04:05 +0000 UTC"));
  withTZ("Europe/Berlin", () => assert.equal(goTimeString(t), "2024-01-02 04:04:05 +0100 CET"));
  withTZ("America/New_York", () =>
    assert.equal(goTimeString({ seconds: 1719878400, nanos: 5000 }), "2024-07-01 20:00:00.000005 -0400 EDT"),
  );
});

test("Go durations", () => {
  const parsed: [string, number][] = [
    ["0", 0],
    ["1h30m", 5400e9],
    ["1.5s", 1.5e9],
    ["-300ms", -300e6],
    ["+2m", 120e9],
    ["1µs", 1e3],
    ["1us", 1e3],
    ["10ns", 10],
    [".5s", 5e8],
    ["1.s", 1e9],
    ["1h1m1s1ms", 3661001e6],
  ];
  for (const [s, want] of parsed) assert.equal(parseGoDuration(s), want, s);
  assert.throws(() => parseGoDuration(""), { message: 'time: invalid duration ""' });
  assert.throws(() => parseGoDuration("1"), { message: 'time: missing unit in duration "1"' });
  assert.throws(() => parseGoDuration("1x"), { message: 'time: unknown unit "x" in duration "1x"' });
  assert.throws(() => parseGoDuration(".s"), { message: 'time: invalid duration ".s"' });

  const formatted: [number | bigint, string][] = [
    [0, "0s"],
    [1, "1ns"],
    [1500, "1.5µs"],
    [1.5e6, "1.5ms"],
    [1e9, "1s"],
    [90e9, "1m30s"],
    [3600e9, "1h0m0s"],
    [3723.5e9, "1h2m3.5s"],
    [-1e9, "-1s"],
    [9223372036854775807n, "2562047h47m16.854775807s"],
  ];
  for (const [n, want] of formatted) assert.equal(formatGoDuration(n), want, String(n));
});

import assert from "node:assert/strict";
import { test } from "node:test";

import {
  bytesSize,
  customSize,
  fromHumanSize,
  humanDuration,
  humanSize,
  humanSizeWithPrecision,
  parseGoFloat,
  ramInBytes,
  timeAgo,
  truncateID,
} from "./humanize.ts";

// size -> [HumanSize, HumanSizeWithPrecision(3) (docker images/ps), BytesSize],
// formatted by docker 28's Go fmt ("%.4g%s" / "%.3g%s").
const sizes: [number, [string, string, string]][] = [
  [0, ["0B", "0B", "0B"]],
  [1, ["1B", "1B", "1B"]],
  [999, ["999B", "999B", "999B"]],
  [1000, ["1kB", "1kB", "1000B"]],
  [1023, ["1.023kB", "1.02kB", "1023B"]],
  [1024, ["1.024kB", "1.02kB", "1KiB"]],
  [1025, ["1.025kB", "1.02kB", "1.001KiB"]],
  [1088, ["1.088kB", "1.09kB", "1.062KiB"]],
  [1500, ["1.5kB", "1.5kB", "1.465KiB"]],
  [4274000, ["4.274MB", "4.27MB", "4.076MiB"]],
  [4270000, ["4.27MB", "4.27MB", "4.072MiB"]],
  [999999, ["1000kB", "1e+03kB", "976.6KiB"]],
  [999500, ["999.5kB", "1e+03kB", "976.1KiB"]],
  [999499, ["999.5kB", "999kB", "976.1KiB"]],
  [1234567, ["1.235MB", "1.23MB", "1.177MiB"]],
  [5242880, ["5.243MB", "5.24MB", "5MiB"]],
  [1572864, ["1.573MB", "1.57MB", "1.5MiB"]],
  [999999999, ["1000MB", "1e+03MB", "953.7MiB"]],
  [123456789012, ["123.5GB", "123GB", "115GiB"]],
  [1099511627776, ["1.1TB", "1.1TB", "1TiB"]],
  [1000000000000000, ["1PB", "1PB", "909.5TiB"]],
  [1000000000000000000, ["1EB", "1EB", "888.2PiB"]],
  [1e21, ["1ZB", "1ZB", "867.4EiB"]],
  [1e24, ["1YB", "1YB", "847ZiB"]],
  [1e27, ["1000YB", "1e+03YB", "827.2YiB"]],
  [7300000, ["7.3MB", "7.3MB", "6.962MiB"]],
  [65535, ["65.53kB", "65.5kB", "64KiB"]],
  [1500000, ["1.5MB", "1.5MB", "1.431MiB"]],
  [104857600, ["104.9MB", "105MB", "100MiB"]],
  [0.5, ["0.5B", "0.5B", "0.5B"]],
];

test("sizes print like go-units", () => {
  for (const [size, [human, human3, bytes]] of sizes) {
    assert.equal(humanSize(size), human, `HumanSize(${size})`);
    assert.equal(humanSizeWithPrecision(size, 3), human3, `HumanSizeWithPrecision(${size}, 3)`);
    assert.equal(bytesSize(size), bytes, `BytesSize(${size})`);
  }
  assert.equal(customSize("%.2f %s", 1536, 1024, ["B", "K"]), "1.50 K");
});

test("RAMInBytes and FromHumanSize parse like go-units", () => {
  const ram: [string, number][] = [
    ["32", 32],
    ["32b", 32],
    ["32B", 32],
    ["32k", 32 * 1024],
    ["32K", 32 * 1024],
    ["32kb", 32 * 1024],
    ["32Kb", 32 * 1024],
    ["32Kib", 32 * 1024],
    ["32KIB", 32 * 1024],
    ["32Mb", 32 * 1024 * 1024],
    ["32Gb", 32 * 1024 ** 3],
    ["32Tb", 32 * 1024 ** 4],
    ["32Pb", 32 * 1024 ** 5],
    ["32.3", 32],
    ["32.3k", 33075],
    ["1 kb", 1024],
    ["0.5k", 512],
    ["1e3", 1000],
  ];
  for (const [s, want] of ram) assert.equal(ramInBytes(s), want, s);
  assert.equal(fromHumanSize("32kB"), 32000);
  assert.equal(fromHumanSize("32.5kB"), 32500);
  assert.equal(fromHumanSize("1MiB"), 1e6);
  assert.equal(fromHumanSize("2G"), 2e9);

  // Messages docker prints after `invalid argument "X" for "-m, --memory" flag: `.
  const bad: [string, string][] = [
    ["1x", "invalid suffix: 'x'"],
    ["1.5.5", 'strconv.ParseFloat: parsing "1.5.5": invalid syntax'],
    ["1kbb", "invalid suffix: 'kbb'"],
    ["-1", "invalid size: '-1'"],
    ["", "invalid size: ''"],
    ["k", "invalid size: 'k'"],
    ["32m b", 'strconv.ParseFloat: parsing "32m": invalid syntax'],
    [" 32 ", 'strconv.ParseFloat: parsing " 32": invalid syntax'],
    ["32kib0", 'strconv.ParseFloat: parsing "32kib0": invalid syntax'],
    ["1kibb", "invalid suffix: 'kibb'"],
    ["1kc", "invalid suffix: 'kc'"],
    ["1kia", "invalid suffix: 'kia'"],
  ];
  for (const [s, message] of bad) assert.throws(() => ramInBytes(s), { message }, s);
});

test("strconv.ParseFloat subset", () => {
  assert.equal(parseGoFloat("1.5e3"), 1500);
  assert.equal(parseGoFloat(".5"), 0.5);
  assert.equal(parseGoFloat("-Inf"), -Infinity);
  assert.ok(Number.isNaN(parseGoFloat("nan")));
  assert.throws(() => parseGoFloat("1e999"), {
    message: 'strconv.ParseFloat: parsing "1e999": value out of range',
  });
  assert.throws(() => parseGoFloat("0x10"), {
    message: 'strconv.ParseFloat: parsing "0x10": invalid syntax',
  });
});

test("HumanDuration", () => {
  const s = 1000;
  const m = 60 * s;
  const h = 60 * m;
  const d = 24 * h;
  const cases: [number, string][] = [
    [-5 * s, "Less than a second"],
    [0, "Less than a second"],
    [999, "Less than a second"],
    [1 * s, "1 second"],
    [1999, "1 second"],
    [2 * s, "2 seconds"],
    [59 * s, "59 seconds"],
    [60 * s, "About a minute"],
    [119 * s, "About a minute"],
    [2 * m, "2 minutes"],
    [59 * m, "59 minutes"],
    [60 * m, "About an hour"],
    [h + 29 * m, "About an hour"],
    [h + 30 * m, "2 hours"],
    [47 * h, "47 hours"],
    [47 * h + 30 * m, "2 days"],
    [13 * d, "13 days"],
    [14 * d, "2 weeks"],
    [59 * d, "8 weeks"],
    [60 * d, "2 months"],
    [729 * d, "24 months"],
    [730 * d, "2 years"],
    [3650 * d, "10 years"],
  ];
  for (const [ms, want] of cases) assert.equal(humanDuration(ms), want, String(ms));
  assert.equal(timeAgo(new Date(0), new Date(3 * h)), "3 hours ago");
  assert.equal(timeAgo(1000, 1500), "Less than a second ago");
});

test("TruncateID", () => {
  const hex = "9f3b0d7b2c3a4e5f60718293a4b5c6d7e8f9a0b1c2d3e4f5061728394a5b6c7d";
  assert.equal(truncateID(`sha256:${hex}`), "9f3b0d7b2c3a");
  assert.equal(truncateID(hex), "9f3b0d7b2c3a");
  assert.equal(truncateID("abc"), "abc");
  assert.equal(truncateID(""), "");
  assert.equal(truncateID("foo:bar"), "bar");
  assert.equal(truncateID("a:b:cdefghijklmnopq"), "b:cdefghijkl");
});

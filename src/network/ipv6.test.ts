import assert from "node:assert/strict";
import { test } from "node:test";
import { contains6, formatCidr6, formatIp6, ip6Bytes, overlaps6, parseIp6, tryParseCidr6 } from "./ipv6.ts";

test("parses the RFC 4291 text forms and formats canonically (RFC 5952)", () => {
  const cases: [string, string][] = [
    ["::", "::"],
    ["::1", "::1"],
    ["FD00:0:0:0:0:0:0:1", "fd00::1"],
    ["2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"],
    ["2001:0db8:0000:0000:0000:0000:0002:0001", "2001:db8::2:1"],
    ["2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1"],
    ["::ffff:10.1.2.3", "::ffff:a01:203"],
    ["fd12:3456:789a:1::", "fd12:3456:789a:1::"],
  ];
  for (const [input, canonical] of cases) {
    const n = parseIp6(input);
    assert.notEqual(n, undefined, input);
    assert.equal(formatIp6(n ?? 0n), canonical, input);
  }
  for (const bad of [
    "",
    "1.2.3.4",
    ":::",
    "1::2::3",
    "12345::",
    "1:2:3:4:5:6:7:8:9",
    "1:2:3:4:5:6:7",
    "g::",
  ]) {
    assert.equal(parseIp6(bad), undefined, bad);
  }
});

test("prefixes: base, containment, overlap", () => {
  const c = tryParseCidr6("fd00:1:2:3::5/64");
  assert.ok(c);
  assert.equal(formatCidr6(c), "fd00:1:2:3::/64");
  assert.equal(contains6(c, parseIp6("fd00:1:2:3:ffff::1") ?? 0n), true);
  assert.equal(contains6(c, parseIp6("fd00:1:2:4::1") ?? 0n), false);
  const wide = tryParseCidr6("fd00:1::/32");
  assert.ok(wide);
  assert.equal(overlaps6(c, wide), true);
  assert.equal(overlaps6(c, tryParseCidr6("fd01::/64") ?? c), false);
  assert.equal(tryParseCidr6("fd00::/129"), undefined);
  assert.equal(tryParseCidr6("fd00::"), undefined);
});

test("bytes for AAAA records", () => {
  assert.deepEqual(
    [...ip6Bytes(parseIp6("fd00::102") ?? 0n)],
    [0xfd, 0, ...new Array<number>(12).fill(0), 1, 2],
  );
});

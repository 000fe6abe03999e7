import assert from "node:assert/strict";
import { test } from "node:test";
import { allocateAddress } from "./ipam.ts";
import { formatIp, macFor, overlaps, parseCidr, parseIp, tryParseCidr } from "./ipv4.ts";

const pool = { subnet: parseCidr("10.5.0.0/29"), gateway: parseIp("10.5.0.1") ?? 0 };

test("dynamic allocation skips network, gateway and broadcast, and wraps", () => {
  const used = new Set<number>();
  const got: string[] = [];
  for (let i = 0; i < 5; i++) {
    const ip = allocateAddress(pool, used);
    used.add(ip);
    got.push(formatIp(ip));
  }
  assert.deepEqual(got, ["10.5.0.2", "10.5.0.3", "10.5.0.4", "10.5.0.5", "10.5.0.6"]);
  assert.throws(() => allocateAddress(pool, used), /no available IPv4 addresses/);
  used.delete(parseIp("10.5.0.3") ?? 0);
  assert.equal(formatIp(allocateAddress(pool, used, undefined, parseIp("10.5.0.6"))), "10.5.0.3");
});

test("sequential after the last allocation", () => {
  const used = new Set([parseIp("10.5.0.2") ?? 0]);
  assert.equal(formatIp(allocateAddress(pool, used, undefined, parseIp("10.5.0.4"))), "10.5.0.5");
});

test("static addresses: in subnet, not taken, not the gateway", () => {
  const used = new Set([parseIp("10.5.0.3") ?? 0]);
  assert.equal(formatIp(allocateAddress(pool, used, "10.5.0.4")), "10.5.0.4");
  assert.throws(() => allocateAddress(pool, used, "10.5.0.3"), /Address already in use/);
  assert.throws(() => allocateAddress(pool, used, "10.5.0.1"), /Address already in use/);
  assert.throws(() => allocateAddress(pool, used, "10.6.0.3"), /no configured subnet/);
  assert.throws(() => allocateAddress(pool, used, "10.5.0.7"), /no configured subnet/);
  assert.throws(() => allocateAddress(pool, used, "nope"), /invalid IPv4/);
});

test("ip-range narrows the dynamic pool", () => {
  const p = {
    subnet: parseCidr("10.5.0.0/24"),
    gateway: parseIp("10.5.0.1") ?? 0,
    range: parseCidr("10.5.0.128/25"),
  };
  assert.equal(formatIp(allocateAddress(p, new Set())), "10.5.0.128");
});

test("cidr helpers", () => {
  assert.equal(tryParseCidr("10.1.2.3/33"), undefined);
  assert.equal(tryParseCidr("10.1.2/24"), undefined);
  assert.equal(formatIp(parseCidr("10.1.2.3/24").base), "10.1.2.0");
  assert.ok(overlaps(parseCidr("10.0.0.0/8"), parseCidr("10.3.0.0/16")));
  assert.ok(!overlaps(parseCidr("10.1.0.0/16"), parseCidr("10.2.0.0/16")));
  assert.equal(macFor(parseIp("172.17.0.2") ?? 0), "02:42:ac:11:00:02");
});

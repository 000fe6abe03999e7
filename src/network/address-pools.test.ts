import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  DEFAULT_ADDRESS_POOLS,
  firstFreeSubnet,
  firstFreeSubnet6,
  parseAddressPools,
  parseAddressPools6,
} from "./address-pools.ts";
import { formatCidr6, tryParseCidr6 } from "./ipv6.ts";
import { type Cidr, formatCidr, parseCidr } from "./ipv4.ts";

const cidr = (t: string): Cidr => {
  const { base, prefix } = parseCidr(t);
  return { base, prefix };
};
const pick = (pools: ReturnType<typeof parseAddressPools>, taken: string[]): string | undefined => {
  const c = firstFreeSubnet(pools ?? [], taken.map(cidr));
  return c && formatCidr(c);
};

describe("default-address-pools", () => {
  const pools = parseAddressPools(
    [
      { base: "10.10.0.0/16", size: 24 },
      { base: "10.20.0.0/30", size: 31 },
    ],
    "daemon.json",
  );

  it("takes the first free subnet, pool by pool", () => {
    assert.equal(pick(pools, []), "10.10.0.0/24");
    assert.equal(pick(pools, ["10.10.0.0/24", "10.10.1.0/24"]), "10.10.2.0/24");
    // A hole left by a removed network is reused first.
    assert.equal(pick(pools, ["10.10.1.0/24"]), "10.10.0.0/24");
  });

  it("skips subnets overlapping a larger or smaller taken range (network or host route)", () => {
    assert.equal(pick(pools, ["10.10.0.0/20"]), "10.10.16.0/24");
    assert.equal(pick(pools, ["10.10.0.77/32"]), "10.10.1.0/24");
    assert.equal(pick(pools, ["10.0.0.0/8"]), undefined);
  });

  it("moves to the next pool when one is used up, and reports exhaustion", () => {
    assert.equal(pick(pools, ["10.10.0.0/16"]), "10.20.0.0/31");
    assert.equal(pick(pools, ["10.10.0.0/16", "10.20.0.0/31"]), "10.20.0.2/31");
    assert.equal(pick(pools, ["10.10.0.0/16", "10.20.0.0/30"]), undefined);
  });

  it("Docker's defaults: 172.17–31/16, then 192.168/20s", () => {
    assert.equal(pick([...DEFAULT_ADDRESS_POOLS], []), "172.17.0.0/16");
    assert.equal(pick([...DEFAULT_ADDRESS_POOLS], ["172.16.0.0/12"]), "192.168.0.0/20");
    assert.equal(pick([...DEFAULT_ADDRESS_POOLS], ["172.16.0.0/12", "192.168.0.0/20"]), "192.168.16.0/20");
  });

  it("refuses bad entries with the key named, skips IPv6 pools", () => {
    assert.equal(parseAddressPools(undefined, "x"), undefined);
    assert.throws(() => parseAddressPools({ base: "10.0.0.0/8" }, "x"), /default-address-pools/);
    assert.throws(
      () => parseAddressPools([{ base: "10.0.0/8", size: 24 }], "x"),
      /invalid base pool "10.0.0\/8"/,
    );
    assert.throws(() => parseAddressPools([{ base: "10.0.0.0/16", size: 8 }], "x"), /invalid pool size 8/);
    assert.throws(() => parseAddressPools([{ base: "10.0.0.0/16", size: 33 }], "x"), /invalid pool size/);
    assert.throws(() => parseAddressPools([{ size: 24 }], "x"), /no "base"/);
    assert.deepEqual(
      parseAddressPools(
        [
          { base: "fd00::/48", size: 64 },
          { base: "10.1.0.0/16", size: 24 },
        ],
        "x",
      )?.map((p) => p.size),
      [24],
    );
  });
});

describe("IPv6 default-address-pools", () => {
  it("parses the IPv6 entries only, checking them", () => {
    const value = [
      { base: "10.1.0.0/16", size: 24 },
      { base: "fd00:abcd::/48", size: 64 },
    ];
    const pools = parseAddressPools6(value, "x");
    assert.equal(pools.length, 1);
    assert.equal(pools[0]?.size, 64);
    assert.throws(() => parseAddressPools6([{ base: "fd00:zz::/48", size: 64 }], "x"), /invalid base pool/);
    assert.throws(() => parseAddressPools6([{ base: "fd00::/48", size: 40 }], "x"), /invalid pool size 40/);
  });

  it("takes the first free /size subnet", () => {
    const pools = parseAddressPools6([{ base: "fd00:abcd::/48", size: 64 }], "x");
    const pick = (taken: string[]): string | undefined => {
      const c = firstFreeSubnet6(
        pools,
        taken.map((t) => {
          const p = tryParseCidr6(t);
          assert.ok(p);
          return { base: p.base, prefix: p.prefix };
        }),
      );
      return c && formatCidr6(c);
    };
    assert.equal(pick([]), "fd00:abcd::/64");
    assert.equal(pick(["fd00:abcd::/64"]), "fd00:abcd:0:1::/64");
    assert.equal(pick(["fd00:abcd::/56"]), "fd00:abcd:0:100::/64");
    assert.equal(pick(["fd00::/16"]), undefined);
  });
});

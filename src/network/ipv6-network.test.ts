import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { allocateAddress6, ipv6Config } from "./ipv6-network.ts";

describe("IPv6 half of a network", () => {
  it("is off unless enabled, and refuses a v6 subnet without --ipv6", () => {
    assert.deepEqual(ipv6Config({ enable: false }, []), { subnet6: "", gateway6: "" });
    assert.throws(() => ipv6Config({ enable: false, subnet: "fd00::/64" }, []), /IPv6 is not enabled/);
  });

  it("takes the given subnet and gateway, checking both", () => {
    assert.deepEqual(ipv6Config({ enable: true, subnet: "FD00:1:2:3::/64" }, []), {
      subnet6: "fd00:1:2:3::/64",
      gateway6: "fd00:1:2:3::1",
    });
    assert.deepEqual(ipv6Config({ enable: true, subnet: "fd00:1::/64", gateway: "fd00:1::fe" }, []), {
      subnet6: "fd00:1::/64",
      gateway6: "fd00:1::fe",
    });
    assert.throws(
      () => ipv6Config({ enable: true, subnet: "fd00:1::/64", gateway: "fd00:2::1" }, []),
      /no matching subnet for gateway/,
    );
    assert.throws(
      () => ipv6Config({ enable: true, subnet: "fd00:zz::/64" }, []),
      /invalid CIDR address: fd00:zz::\/64/,
    );
    assert.throws(() => ipv6Config({ enable: true, subnet: "fd00:1::/64" }, ["fd00::/16"]), /Pool overlaps/);
  });

  it("picks a random ULA /64 when none is given, avoiding taken ones", () => {
    const ids = [Buffer.from([1, 2, 3, 4, 5]), Buffer.from([6, 7, 8, 9, 10])];
    const got = ipv6Config({ enable: true }, ["fd01:203:405::/64"], () => ids.shift() ?? Buffer.alloc(5));
    assert.deepEqual(got, { subnet6: "fd06:708:90a::/64", gateway6: "fd06:708:90a::1" });
  });

  it("hands out addresses in order after the gateway, or the requested one", () => {
    assert.equal(allocateAddress6("fd00::/64", "fd00::1", new Set()), "fd00::2");
    assert.equal(allocateAddress6("fd00::/64", "fd00::1", new Set(["fd00::2", "fd00::3"])), "fd00::4");
    assert.equal(allocateAddress6("fd00::/64", "fd00::5", new Set()), "fd00::1");
    assert.equal(allocateAddress6("fd00::/64", "fd00::1", new Set(), "fd00::abc"), "fd00::abc");
    assert.throws(
      () => allocateAddress6("fd00::/64", "fd00::1", new Set(), "fd01::2"),
      /no configured subnet/,
    );
    assert.throws(
      () => allocateAddress6("fd00::/126", "fd00::1", new Set(["fd00::2", "fd00::3"])),
      /no available IPv6/,
    );
  });
});

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { bareHostIp, hostBindings, isIpv6HostIp, refuseIpv6Loopback } from "./port-families.ts";

describe("hostBindings", () => {
  it("binds both families for no host IP on a dual-stack container", () => {
    assert.deepEqual(hostBindings("", true), [
      { hostIp: "", family: 4 },
      { hostIp: "::", family: 6 },
    ]);
    assert.deepEqual(hostBindings("", false), [{ hostIp: "", family: 4 }]);
  });
  it("keeps an IPv4 host IP IPv4 only, 0.0.0.0 included", () => {
    assert.deepEqual(hostBindings("0.0.0.0", true), [{ hostIp: "0.0.0.0", family: 4 }]);
    assert.deepEqual(hostBindings("127.0.0.1", true), [{ hostIp: "127.0.0.1", family: 4 }]);
  });
  it("makes an IPv6 host IP IPv6 only, and nothing without an IPv6 address to forward to", () => {
    assert.deepEqual(hostBindings("::", true), [{ hostIp: "::", family: 6 }]);
    assert.deepEqual(hostBindings("[::1]", true), [{ hostIp: "::1", family: 6 }]);
    assert.deepEqual(hostBindings("::1", false), []);
  });
  it("strips brackets", () => {
    assert.equal(bareHostIp("[fd00::1]"), "fd00::1");
    assert.equal(bareHostIp("10.0.0.1"), "10.0.0.1");
    assert.equal(isIpv6HostIp("[::]"), true);
    assert.equal(isIpv6HostIp("0.0.0.0"), false);
  });
});

describe("refuseIpv6Loopback", () => {
  it("refuses ::1 in any spelling, and nothing else", () => {
    assert.throws(() => refuseIpv6Loopback("::1", 8080), /cannot publish on \[::1\]:8080/);
    assert.throws(() => refuseIpv6Loopback("[0:0::1]", 1), /userland proxy/);
    refuseIpv6Loopback("::", 1);
    refuseIpv6Loopback("127.0.0.1", 1);
    refuseIpv6Loopback("", 1);
  });
});

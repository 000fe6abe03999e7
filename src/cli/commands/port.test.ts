import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { portLines } from "./port.ts";

describe("port", () => {
  const ports = {
    "8080/tcp": [{ HostIp: "0.0.0.0", HostPort: "9" }],
    "80/tcp": [
      { HostIp: "127.0.0.1", HostPort: "18080" },
      { HostIp: "::1", HostPort: "18080" },
    ],
    "53/udp": [{ HostIp: "0.0.0.0", HostPort: "5353" }],
    "443/tcp": null,
  };
  it("lists every mapping, naturally sorted", () => {
    assert.deepEqual(portLines(ports, "c"), [
      "53/udp -> 0.0.0.0:5353",
      "80/tcp -> 127.0.0.1:18080",
      "80/tcp -> [::1]:18080",
      "8080/tcp -> 0.0.0.0:9",
    ]);
  });
  it("looks one port up, tcp by default", () => {
    assert.deepEqual(portLines(ports, "c", "80"), ["127.0.0.1:18080", "[::1]:18080"]);
    assert.deepEqual(portLines(ports, "c", "53/udp"), ["0.0.0.0:5353"]);
    assert.throws(() => portLines(ports, "c", "443"), {
      message: "Error: No public port '443' published for c",
    });
    assert.throws(() => portLines(ports, "c", "x/tcp"), {
      message: 'Error: invalid port (x): strconv.ParseUint: parsing "x": invalid syntax',
    });
  });
});

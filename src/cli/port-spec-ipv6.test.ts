import assert from "node:assert/strict";
import { test } from "node:test";
import { parsePortSpecs } from "./port-spec.ts";

test("a bracketed IPv6 host address, as the docker CLI takes it", () => {
  const got = parsePortSpecs(["[::]:8080:80", "[fd00::1]::81/udp", "[::1]:9000-9001:90-91"]);
  assert.deepEqual(got.bindings, {
    "80/tcp": [{ HostIp: "::", HostPort: "8080" }],
    "81/udp": [{ HostIp: "fd00::1", HostPort: "" }],
    "90/tcp": [{ HostIp: "::1", HostPort: "9000" }],
    "91/tcp": [{ HostIp: "::1", HostPort: "9001" }],
  });
  assert.throws(() => parsePortSpecs(["[::1:8080:80"]), /invalid port format/);
  assert.throws(() => parsePortSpecs(["[::1]:80"]), /invalid port format/);
});

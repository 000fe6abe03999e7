import assert from "node:assert/strict";
import { test } from "node:test";
import { parsePortSpecs } from "./port-spec.ts";

test("host:ctr, ip:host:ctr, ctr, udp and ranges", () => {
  const got = parsePortSpecs(["8080:80", "127.0.0.1:0:81", "82/udp", "9000-9001:90-91"]);
  assert.deepEqual(got.bindings, {
    "80/tcp": [{ HostIp: "", HostPort: "8080" }],
    "81/tcp": [{ HostIp: "127.0.0.1", HostPort: "0" }],
    "82/udp": [{ HostIp: "", HostPort: "" }],
    "90/tcp": [{ HostIp: "", HostPort: "9000" }],
    "91/tcp": [{ HostIp: "", HostPort: "9001" }],
  });
  assert.deepEqual(Object.keys(got.exposed), ["80/tcp", "81/tcp", "82/udp", "90/tcp", "91/tcp"]);
});

test("bad specs", () => {
  assert.throws(() => parsePortSpecs(["70000:80"]), /invalid hostPort/);
  assert.throws(() => parsePortSpecs(["a:b"]), /invalid/);
  assert.throws(() => parsePortSpecs(["80/xyz"]), /invalid proto/);
});

import assert from "node:assert/strict";
import { test } from "node:test";
import { portRequests } from "./port-bindings.ts";

test("bindings, ranges, udp and -P", () => {
  const got = portRequests(
    {
      "80/tcp": [{ HostIp: "127.0.0.1", HostPort: "8080" }],
      "53/udp": [{ HostPort: "" }],
      "90-91/tcp": [{ HostPort: "9090-9091" }],
    },
    { "80/tcp": {}, "443/tcp": {} },
    true,
  );
  assert.deepEqual(got, [
    { proto: "tcp", containerPort: 80, hostIp: "127.0.0.1", hostPort: 8080 },
    { proto: "udp", containerPort: 53, hostIp: "", hostPort: 0 },
    { proto: "tcp", containerPort: 90, hostIp: "", hostPort: 9090 },
    { proto: "tcp", containerPort: 91, hostIp: "", hostPort: 9091 },
    { proto: "tcp", containerPort: 443, hostIp: "", hostPort: 0 },
  ]);
});

test("bad ports are refused", () => {
  assert.throws(
    () => portRequests({ "80/tcp": [{ HostPort: "70000" }] }, undefined, false),
    /invalid hostPort port: 70000/,
  );
  assert.throws(
    () => portRequests({ "a/tcp": [{ HostPort: "b" }] }, undefined, false),
    /invalid containerPort/,
  );
  assert.throws(() => portRequests({ "80/sctpx": [] }, undefined, false), /invalid proto/);
});

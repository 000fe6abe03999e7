import { test } from "node:test";
import assert from "node:assert/strict";
import { containerDevices, defaultDeviceRules } from "./devices.ts";
import type { HostDevice } from "./types.ts";

const fuse: HostDevice = {
  hostPath: "/dev/fuse",
  path: "/dev/fuse",
  type: "c",
  major: 10,
  minor: 229,
  fileMode: 0o20666,
  uid: 0,
  gid: 0,
  permissions: "rw",
};

test("default allowlist denies all, then Docker's character devices", () => {
  const rules = defaultDeviceRules();
  assert.deepEqual(rules[0], { allow: false, access: "rwm" });
  assert.deepEqual(
    rules.filter((r) => r.allow).map((r) => `${r.major}:${r.minor}`),
    ["1:5", "1:3", "1:9", "1:8", "5:0", "5:1"],
  );
});

test("--device adds the node and an allow rule after the defaults", () => {
  const { devices, rules } = containerDevices([fuse], false);
  assert.deepEqual(devices, [
    { path: "/dev/fuse", type: "c", major: 10, minor: 229, fileMode: 0o20666, uid: 0, gid: 0 },
  ]);
  assert.deepEqual(rules.at(-1), { allow: true, type: "c", major: 10, minor: 229, access: "rw" });
});

test("privileged: every host device, everything allowed", () => {
  const { devices, rules } = containerDevices([], true, [fuse]);
  assert.equal(devices.length, 1);
  assert.deepEqual(rules, [{ allow: true, access: "rwm" }]);
});

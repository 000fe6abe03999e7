import assert from "node:assert/strict";
import { test } from "node:test";
import { cgroupProcsPaths } from "./cgroup-procs-paths.ts";

const HYBRID = `12:pids:/berth/abc
11:cpu,cpuacct:/berth/abc
1:name=systemd:/berth/abc
0::/berth/abc
`;

test("v1 controllers, named hierarchies and the hybrid unified hierarchy", () => {
  assert.deepEqual(cgroupProcsPaths(HYBRID, { root: "/sys/fs/cgroup", unified: "/sys/fs/cgroup/unified" }), [
    "/sys/fs/cgroup/pids/berth/abc/cgroup.procs",
    "/sys/fs/cgroup/cpu,cpuacct/berth/abc/cgroup.procs",
    "/sys/fs/cgroup/systemd/berth/abc/cgroup.procs",
    "/sys/fs/cgroup/unified/berth/abc/cgroup.procs",
  ]);
});

test("cgroup v2 only, and a host without a v2 mount", () => {
  assert.deepEqual(
    cgroupProcsPaths("0::/system.slice/x\n", { root: "/sys/fs/cgroup", unified: "/sys/fs/cgroup" }),
    ["/sys/fs/cgroup/system.slice/x/cgroup.procs"],
  );
  assert.deepEqual(cgroupProcsPaths("0::/x\n3:pids:/x\n", { root: "/c", unified: undefined }), [
    "/c/pids/x/cgroup.procs",
  ]);
});

import { test } from "node:test";
import assert from "node:assert/strict";
import { defaultMounts, DEFAULT_SHM_SIZE } from "./default-mounts.ts";
import { maskedPaths, readonlyPaths } from "./masked-paths.ts";

test("default mounts are Docker's, in Docker's order", () => {
  const mounts = defaultMounts();
  assert.deepEqual(
    mounts.map((m) => m.destination),
    ["/proc", "/dev", "/dev/pts", "/sys", "/sys/fs/cgroup", "/dev/mqueue", "/dev/shm"],
  );
  const dev = mounts.find((m) => m.destination === "/dev");
  assert.deepEqual(dev?.options, ["nosuid", "strictatime", "mode=755", "size=65536k"]);
  const pts = mounts.find((m) => m.destination === "/dev/pts");
  assert.deepEqual(pts?.options, ["nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"]);
  assert.ok(mounts.find((m) => m.destination === "/sys")?.options?.includes("ro"));
  assert.ok(mounts.find((m) => m.destination === "/sys/fs/cgroup")?.options?.includes("ro"));
});

test("/dev/shm is sized by shmSize, 64 MiB by default", () => {
  const shm = (size?: number) =>
    defaultMounts(size === undefined ? {} : { shmSize: size }).find((m) => m.destination === "/dev/shm");
  assert.ok(shm()?.options?.includes(`size=${DEFAULT_SHM_SIZE}`));
  assert.equal(DEFAULT_SHM_SIZE, 67108864);
  assert.ok(shm(1048576)?.options?.includes("size=1048576"));
});

test("privileged containers get a writable /sys and cgroup mount", () => {
  const mounts = defaultMounts({ privileged: true });
  assert.equal(mounts.find((m) => m.destination === "/sys")?.options?.includes("ro"), false);
  assert.equal(mounts.find((m) => m.destination === "/sys/fs/cgroup")?.options?.includes("ro"), false);
});

test("masked and read-only paths, none when privileged", () => {
  assert.ok(maskedPaths().includes("/proc/kcore"));
  assert.ok(maskedPaths().includes("/sys/firmware"));
  assert.ok(readonlyPaths().includes("/proc/sys"));
  assert.deepEqual(maskedPaths(true), []);
  assert.deepEqual(maskedPaths(false, ["/sys/firmware", "/sys/x"]).slice(-2), [
    "/sys/devices/virtual/powercap",
    "/sys/x",
  ]);
  assert.deepEqual(readonlyPaths(true), []);
});

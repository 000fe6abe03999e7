import { test } from "node:test";
import assert from "node:assert/strict";
import { defaultMounts } from "./default-mounts.ts";
import { bindMount, mergeMountOptions, mergeMounts, tmpfsMount } from "./user-mounts.ts";

test("tmpfs options: Docker's defaults, the user's override their opposites", () => {
  assert.deepEqual(tmpfsMount("/run", ""), {
    destination: "/run",
    type: "tmpfs",
    source: "tmpfs",
    options: ["noexec", "nosuid", "nodev", "rprivate"],
  });
  assert.deepEqual(tmpfsMount("/run", "exec,size=64m,mode=1770").options, [
    "nosuid",
    "nodev",
    "rprivate",
    "exec",
    "size=64m",
    "mode=1770",
  ]);
  assert.deepEqual(mergeMountOptions(["size=1", "ro", "size=2", "rw"]), ["size=2", "rw"]);
});

test("bind mounts", () => {
  assert.deepEqual(bindMount({ source: "/a", destination: "/b" }).options, ["rbind", "rprivate"]);
  assert.deepEqual(
    bindMount({ source: "/a", destination: "/b", readOnly: true, propagation: "rslave", nonRecursive: true })
      .options,
    ["bind", "ro", "rslave"],
  );
});

test("user mounts replace defaults, /dev replaces /dev/*, parents come first", () => {
  const merged = mergeMounts(
    defaultMounts(),
    [
      tmpfsMount("/dev/shm/x", ""),
      tmpfsMount("/dev", ""),
      bindMount({ source: "/h", destination: "/etc/hosts" }),
    ],
    false,
  );
  assert.deepEqual(
    merged.map((m) => m.destination),
    ["/proc", "/sys", "/sys/fs/cgroup", "/dev", "/etc/hosts", "/dev/shm/x"],
  );
});

test("a read-only rootfs makes the other default mounts read-only too", () => {
  const merged = mergeMounts(defaultMounts({ privileged: true }), [], true);
  assert.ok(merged.find((m) => m.destination === "/sys")?.options?.includes("ro"));
  assert.equal(merged.find((m) => m.destination === "/dev/shm")?.options?.includes("ro"), false);
});

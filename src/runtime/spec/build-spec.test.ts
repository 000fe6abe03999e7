import { test } from "node:test";
import assert from "node:assert/strict";
import { EngineError } from "../../lib/index.ts";
import { buildSpec } from "./build-spec.ts";
import { ALL_CAPABILITIES, DEFAULT_CAPABILITIES } from "./capabilities.ts";
import { DEFAULT_PATH } from "./env.ts";
import type { ContainerSpecInput, HostDevice } from "./types.ts";

const passwd = "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/home:/bin/false\n";
const group = "root:x:0:\ntty:x:5:\nwheel:x:10:root\nnogroup:x:65534:\n";
const hostCaps = ALL_CAPABILITIES.filter((c) => c !== "CAP_SYS_RESOURCE");

const base = (over: Partial<ContainerSpecInput> = {}): ContainerSpecInput => ({
  id: "0123456789abcdef0123456789abcdef",
  image: { cmd: ["sh"], env: ["PATH=/usr/bin:/bin"] },
  network: "none",
  rootfs: "/var/lib/berth/rootfs",
  passwd,
  group,
  host: {
    boundingCaps: hostCaps,
    cgroupVersion: 1,
    kernelVersion: "6.1.0",
    arch: "amd64",
    hardRlimits: { nofile: 20000, nproc: 96365 },
  },
  ...over,
});

test("a plain container looks like Docker's", () => {
  const spec = buildSpec(base());
  assert.equal(spec.ociVersion, "1.2.0");
  assert.deepEqual(spec.root, { path: "/var/lib/berth/rootfs", readonly: false });
  assert.equal(spec.hostname, "0123456789ab");
  assert.deepEqual(spec.process.args, ["sh"]);
  assert.equal(spec.process.cwd, "/");
  assert.equal(spec.process.terminal, false);
  assert.deepEqual(spec.process.user, { uid: 0, gid: 0, additionalGids: [10] });
  assert.deepEqual(spec.process.env, ["PATH=/usr/bin:/bin", "HOSTNAME=0123456789ab", "HOME=/root"]);
  assert.deepEqual(spec.process.capabilities, {
    bounding: DEFAULT_CAPABILITIES,
    effective: DEFAULT_CAPABILITIES,
    permitted: DEFAULT_CAPABILITIES,
    inheritable: [],
    ambient: [],
  });
  assert.deepEqual(spec.process.rlimits, [{ type: "RLIMIT_NOFILE", hard: 20000, soft: 20000 }]);
  assert.equal(spec.process.noNewPrivileges, false);
  assert.equal(spec.process.oomScoreAdj, 0);
  assert.deepEqual(
    spec.mounts.map((m) => m.destination),
    ["/proc", "/dev", "/dev/pts", "/sys", "/sys/fs/cgroup", "/dev/mqueue", "/dev/shm"],
  );
  assert.equal(spec.linux.cgroupsPath, "/berth/0123456789abcdef0123456789abcdef");
  assert.deepEqual(
    spec.linux.namespaces.map((n) => n.type),
    ["mount", "network", "uts", "pid", "ipc"],
  );
  assert.equal(spec.linux.resources.devices?.[0]?.allow, false);
  assert.ok(spec.linux.maskedPaths?.includes("/proc/kcore"));
  assert.ok(spec.linux.readonlyPaths?.includes("/proc/sysrq-trigger"));
  assert.equal(spec.linux.seccomp?.defaultAction, "SCMP_ACT_ERRNO");
  assert.equal(spec.linux.sysctl?.["net.ipv4.ping_group_range"], "0 2147483647");
  assert.equal(
    spec.process.env.some((e) => e.startsWith("TERM=")),
    false,
  );
});

test("image without PATH gets Docker's default PATH; tty sets TERM", () => {
  const spec = buildSpec(
    base({ image: { cmd: ["sh"] }, tty: true, hostname: "web", domainname: "example.org" }),
  );
  assert.deepEqual(spec.process.env, [`PATH=${DEFAULT_PATH}`, "HOSTNAME=web", "TERM=xterm", "HOME=/root"]);
  assert.equal(spec.process.terminal, true);
  assert.equal(spec.hostname, "web");
  assert.equal(spec.domainname, "example.org");
});

test("user, workdir, groups", () => {
  const spec = buildSpec(base({ user: "nobody", groupAdd: ["tty"], workdir: "/tmp" }));
  assert.deepEqual(spec.process.user, { uid: 65534, gid: 65534, additionalGids: [5] });
  assert.ok(spec.process.env.includes("HOME=/home"));
  assert.equal(spec.process.cwd, "/tmp");
  assert.equal(
    buildSpec(base({ image: { cmd: ["sh"], workingDir: "/srv", user: "nobody" } })).process.cwd,
    "/srv",
  );
  assert.throws(() => buildSpec(base({ workdir: "tmp" })), /needs to be an absolute path/);
  assert.throws(
    () => buildSpec(base({ user: "xyz" })),
    (err: unknown) =>
      err instanceof EngineError &&
      err.message === "unable to find user xyz: no matching entries in passwd file",
  );
});

test("--init runs tini as PID 1 from /sbin/docker-init", () => {
  const spec = buildSpec(base({ init: "/usr/bin/tini", image: { entrypoint: ["/e"], cmd: ["a"] } }));
  assert.deepEqual(spec.process.args, ["/sbin/docker-init", "--", "/e", "a"]);
  assert.deepEqual(spec.mounts.at(-1), {
    destination: "/sbin/docker-init",
    type: "bind",
    source: "/usr/bin/tini",
    options: ["bind", "ro"],
  });
});

test("managed files, binds, tmpfs and a read-only rootfs", () => {
  const spec = buildSpec(
    base({
      readOnly: true,
      hostsPath: "/run/c/hosts",
      hostnamePath: "/run/c/hostname",
      resolvConfPath: "/run/c/resolv.conf",
      binds: [{ source: "/data", destination: "/data", readOnly: true }],
      tmpfs: { "/run": "size=1m" },
      shmSize: 1 << 20,
    }),
  );
  assert.equal(spec.root.readonly, true);
  const hosts = spec.mounts.find((m) => m.destination === "/etc/hosts");
  assert.deepEqual(hosts, {
    destination: "/etc/hosts",
    type: "bind",
    source: "/run/c/hosts",
    options: ["rbind", "ro", "rprivate"],
  });
  assert.ok(spec.mounts.some((m) => m.destination === "/etc/resolv.conf"));
  assert.ok(spec.mounts.some((m) => m.destination === "/etc/hostname"));
  assert.deepEqual(spec.mounts.find((m) => m.destination === "/data")?.options, ["rbind", "ro", "rprivate"]);
  assert.ok(spec.mounts.find((m) => m.destination === "/run")?.options?.includes("size=1m"));
  assert.ok(spec.mounts.find((m) => m.destination === "/dev/shm")?.options?.includes("size=1048576"));
  const writable = buildSpec(base({ hostsPath: "/run/c/hosts" })).mounts.find(
    (m) => m.destination === "/etc/hosts",
  );
  assert.deepEqual(writable?.options, ["rbind", "rprivate"]);
});

test("privileged: host's bounding caps, all devices, no seccomp, nothing masked, rw /sys", () => {
  const dev: HostDevice = {
    hostPath: "/dev/sda",
    path: "/dev/sda",
    type: "b",
    major: 8,
    minor: 0,
    fileMode: 0o60660,
    uid: 0,
    gid: 6,
  };
  const spec = buildSpec(base({ privileged: true, hostDevices: [dev] }));
  assert.deepEqual(spec.process.capabilities?.bounding, hostCaps);
  assert.equal(spec.linux.seccomp, undefined);
  assert.deepEqual(spec.linux.maskedPaths, []);
  assert.deepEqual(spec.linux.readonlyPaths, []);
  assert.deepEqual(spec.linux.resources.devices, [{ allow: true, access: "rwm" }]);
  assert.equal(spec.linux.devices?.[0]?.path, "/dev/sda");
  assert.equal(spec.mounts.find((m) => m.destination === "/sys")?.options?.includes("ro"), false);
});

test("security options, capabilities and seccomp follow each other", () => {
  const spec = buildSpec(base({ capAdd: ["sys_admin"], capDrop: ["NET_RAW"], noNewPrivileges: true }));
  assert.ok(spec.process.capabilities?.effective.includes("CAP_SYS_ADMIN"));
  assert.ok(!spec.process.capabilities?.effective.includes("CAP_NET_RAW"));
  assert.equal(spec.process.noNewPrivileges, true);
  assert.ok(spec.linux.seccomp?.syscalls?.some((c) => c.names.includes("mount")));
  assert.equal(buildSpec(base({ seccompProfile: "unconfined" })).linux.seccomp, undefined);
  assert.throws(() => buildSpec(base({ capAdd: ["foo"] })), /unknown capability: "CAP_FOO"/);
});

test("resources, ulimits, sysctls and namespaces for cgroup v1 and v2", () => {
  const input = base({
    network: "host",
    resources: { memory: 64 << 20, nanoCpus: 5e8, pidsLimit: 50, oomKillDisable: true },
    ulimits: ["nproc=1000:2000", "nofile=100000"],
    cgroupParent: "/custom",
  });
  const v1 = buildSpec(input);
  assert.deepEqual(v1.linux.resources.memory, { limit: 64 << 20, swap: 128 << 20, disableOOMKiller: true });
  assert.deepEqual(v1.linux.resources.cpu, { period: 100000, quota: 50000 });
  assert.deepEqual(v1.linux.resources.pids, { limit: 50 });
  assert.deepEqual(v1.process.rlimits, [
    { type: "RLIMIT_NOFILE", hard: 20000, soft: 20000 },
    { type: "RLIMIT_NPROC", hard: 2000, soft: 1000 },
  ]);
  assert.equal(v1.linux.cgroupsPath, "/custom/0123456789abcdef0123456789abcdef");
  assert.deepEqual(v1.linux.sysctl, {});
  assert.deepEqual(
    v1.linux.namespaces.map((n) => n.type),
    ["mount", "uts", "pid", "ipc"],
  );

  const v2 = buildSpec({ ...input, host: { ...input.host, cgroupVersion: 2 }, cgroupsPath: "/exact" });
  assert.deepEqual(v2.linux.resources.memory, { limit: 64 << 20, swap: 128 << 20 });
  assert.deepEqual(
    v2.linux.namespaces.map((n) => n.type),
    ["mount", "uts", "pid", "ipc", "cgroup"],
  );
  assert.equal(v2.linux.cgroupsPath, "/exact");
  assert.throws(
    () => buildSpec(base({ resources: { memory: 1024 } })),
    /Minimum memory limit allowed is 6MB/,
  );
});

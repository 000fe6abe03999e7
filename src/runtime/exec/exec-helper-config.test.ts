import assert from "node:assert/strict";
import { test } from "node:test";
import { execHelperConfig } from "./exec-helper-config.ts";

const decode = (chunks: Buffer[]): string[][] => {
  const parts = Buffer.concat(chunks).toString("utf8").split("\0");
  assert.equal(parts.pop(), "", "ends with a NUL");
  const pairs: string[][] = [];
  for (let i = 0; i < parts.length; i += 2) pairs.push([parts[i] ?? "", parts[i + 1] ?? ""]);
  return pairs;
};

const base = {
  containerId: "abc",
  initPid: 42,
  process: {
    terminal: false,
    user: { uid: 1000, gid: 100, additionalGids: [10, 20] },
    args: ["sh", "-c", "echo a\necho b"],
    env: ["PATH=/bin", "X=with spaces"],
    cwd: "/work",
    capabilities: {
      bounding: ["CAP_CHOWN", "CAP_KILL"],
      effective: ["CAP_KILL"],
      permitted: ["CAP_KILL"],
      inheritable: [],
      ambient: [],
    },
    rlimits: [{ type: "RLIMIT_NOFILE", soft: 1024, hard: Infinity }],
  },
  namespaces: [
    { type: "mount" as const },
    { type: "network" as const, path: "/run/netns/x" },
    { type: "pid" as const },
  ],
  cgroupProcs: ["/sys/fs/cgroup/pids/ctr/cgroup.procs"],
};

test("process, namespaces and cgroups as key/value pairs; args keep their newlines", () => {
  const pairs = decode(execHelperConfig(base));
  const get = (k: string): string[] => pairs.filter(([key]) => key === k).map(([, v]) => v ?? "");
  assert.deepEqual(get("id"), ["abc"]);
  assert.deepEqual(get("pid"), ["42"]);
  assert.deepEqual(get("ns"), ["mnt", "net", "pid"]);
  assert.deepEqual(get("cgroup"), ["/sys/fs/cgroup/pids/ctr/cgroup.procs"]);
  assert.deepEqual(get("arg"), ["sh", "-c", "echo a\necho b"]);
  assert.deepEqual(get("env"), ["PATH=/bin", "X=with spaces"]);
  assert.deepEqual(get("cwd"), ["/work"]);
  assert.deepEqual([get("uid"), get("gid"), get("groups")], [["1000"], ["100"], ["10 20"]]);
  // CAP_CHOWN is bit 0, CAP_KILL bit 5.
  assert.deepEqual([get("capb"), get("cape"), get("capp"), get("capi")], [["33"], ["32"], ["32"], ["0"]]);
  assert.deepEqual(get("rlimit"), ["7 1024 18446744073709551615"]);
  assert.deepEqual([get("nnp"), get("tty"), get("seccomp-default")], [[], [], []]);
});

test("terminal, no_new_privileges, oom_score_adj and seccomp rules", () => {
  const pairs = decode(
    execHelperConfig({
      ...base,
      process: { ...base.process, terminal: true, noNewPrivileges: true, oomScoreAdj: -500 },
      seccomp: {
        defaultAction: "SCMP_ACT_ERRNO",
        defaultErrnoRet: 1,
        architectures: ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86"],
        syscalls: [
          { names: ["read", "write"], action: "SCMP_ACT_ALLOW" },
          {
            names: ["personality"],
            action: "SCMP_ACT_ALLOW",
            args: [{ index: 0, value: 131072, op: "SCMP_CMP_EQ" }],
          },
          { names: ["clone3"], action: "SCMP_ACT_ERRNO", errnoRet: 38 },
        ],
      },
    }),
  );
  const get = (k: string): string[] => pairs.filter(([key]) => key === k).map(([, v]) => v ?? "");
  assert.deepEqual([get("tty"), get("nnp"), get("oom")], [["1"], ["1"], ["-500"]]);
  assert.deepEqual(get("seccomp-default"), ["SCMP_ACT_ERRNO 1"]);
  assert.deepEqual(get("seccomp-arch"), ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86"]);
  assert.deepEqual(get("seccomp-sys"), [
    "read SCMP_ACT_ALLOW 0 0",
    "write SCMP_ACT_ALLOW 0 0",
    "personality SCMP_ACT_ALLOW 0 1 0 SCMP_CMP_EQ 131072 0",
    "clone3 SCMP_ACT_ERRNO 38 0",
  ]);
});

test("a NUL byte or an unknown rlimit is refused", () => {
  assert.throws(() => execHelperConfig({ ...base, process: { ...base.process, args: ["a\0b"] } }), {
    code: "INVALID_EXEC_CONFIG",
  });
  assert.throws(
    () =>
      execHelperConfig({
        ...base,
        process: { ...base.process, rlimits: [{ type: "RLIMIT_X", soft: 1, hard: 1 }] },
      }),
    { code: "INVALID_RLIMIT" },
  );
});

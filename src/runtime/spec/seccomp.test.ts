import { test } from "node:test";
import assert from "node:assert/strict";
import { EngineError } from "../../lib/index.ts";
import { goArch, seccompArch } from "./arch.ts";
import { DEFAULT_CAPABILITIES } from "./capabilities.ts";
import { containerSeccomp, translateSeccompProfile } from "./seccomp.ts";
import type { LinuxSeccomp } from "./types.ts";

const ctx = { caps: DEFAULT_CAPABILITIES, arch: "amd64", kernelVersion: "6.1.0-18-amd64" };
const allows = (s: LinuxSeccomp | undefined, name: string) =>
  (s?.syscalls ?? []).some((c) => c.action === "SCMP_ACT_ALLOW" && c.names.includes(name));

test("a kernel without x32 syscalls: SCMP_ARCH_X32 left out of the default profile, not of explicit lists", () => {
  const s = containerSeccomp({ ...ctx, x32Syscalls: false });
  assert.deepEqual(s?.architectures, ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86"]);
  assert.deepEqual(containerSeccomp({ ...ctx, x32Syscalls: true })?.architectures?.length, 3);
  const explicit = translateSeccompProfile(
    { defaultAction: "SCMP_ACT_ERRNO", architectures: ["SCMP_ARCH_X86_64", "SCMP_ARCH_X32"], syscalls: [] },
    { ...ctx, x32Syscalls: false },
  );
  assert.deepEqual(explicit.architectures, ["SCMP_ARCH_X86_64", "SCMP_ARCH_X32"]);
});

test("architecture names", () => {
  assert.equal(goArch("x64"), "amd64");
  assert.equal(seccompArch("amd64"), "SCMP_ARCH_X86_64");
  assert.equal(seccompArch("arm64"), "SCMP_ARCH_AARCH64");
});

test("default profile on x86_64: errno 1 by default, native arch plus sub-architectures", () => {
  const s = containerSeccomp(ctx);
  assert.ok(s);
  assert.equal(s.defaultAction, "SCMP_ACT_ERRNO");
  assert.equal(s.defaultErrnoRet, 1);
  assert.deepEqual(s.architectures, ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"]);
  assert.ok(allows(s, "read"));
  assert.ok(allows(s, "arch_prctl"), "amd64-only rule kept");
  assert.ok(!allows(s, "riscv_flush_icache"), "other arches dropped");
  assert.ok(allows(s, "ptrace"), "minKernel 4.8 satisfied");
});

test("capability-gated rules follow the container's capabilities", () => {
  const plain = containerSeccomp(ctx);
  assert.ok(!allows(plain, "mount"));
  assert.ok(!allows(plain, "reboot"));
  // clone3 gets ENOSYS (38) without CAP_SYS_ADMIN, so glibc falls back to clone.
  const clone3 = plain?.syscalls?.find((c) => c.names.includes("clone3") && c.action === "SCMP_ACT_ERRNO");
  assert.equal(clone3?.errnoRet, 38);
  const clone = plain?.syscalls?.find((c) => c.names.length === 1 && c.names[0] === "clone");
  assert.deepEqual(clone?.args, [{ index: 0, value: 2114060288, op: "SCMP_CMP_MASKED_EQ" }]);

  const admin = containerSeccomp({
    ...ctx,
    caps: [...DEFAULT_CAPABILITIES, "CAP_SYS_ADMIN", "CAP_SYS_BOOT"],
  });
  assert.ok(allows(admin, "mount"));
  assert.ok(allows(admin, "reboot"));
  assert.equal(
    admin?.syscalls?.some((c) => c.names.includes("clone3") && c.action === "SCMP_ACT_ERRNO"),
    false,
  );
});

test("old kernels lose minKernel rules", () => {
  assert.ok(!allows(containerSeccomp({ ...ctx, kernelVersion: "4.4.0" }), "ptrace"));
});

test("unconfined and privileged mean no seccomp", () => {
  assert.equal(containerSeccomp({ ...ctx, profile: "unconfined" }), undefined);
  assert.equal(containerSeccomp({ ...ctx, privileged: true }), undefined);
});

test("custom JSON profile is translated the same way", () => {
  const s = containerSeccomp({
    ...ctx,
    profile: JSON.stringify({
      defaultAction: "SCMP_ACT_ALLOW",
      architectures: ["SCMP_ARCH_X86_64"],
      syscalls: [
        { name: "chmod", action: "SCMP_ACT_ERRNO", errnoRet: 1 },
        { names: ["mkdir"], action: "SCMP_ACT_ERRNO", includes: { caps: ["CAP_SYS_ADMIN"] } },
      ],
    }),
  });
  assert.deepEqual(s, {
    defaultAction: "SCMP_ACT_ALLOW",
    architectures: ["SCMP_ARCH_X86_64"],
    syscalls: [{ names: ["chmod"], action: "SCMP_ACT_ERRNO", errnoRet: 1 }],
  });
});

test("bad profiles get clear errors", () => {
  const bad = (profile: string, re: RegExp) =>
    assert.throws(
      () => containerSeccomp({ ...ctx, profile }),
      (err: unknown) =>
        err instanceof EngineError && err.category === "invalid-argument" && re.test(err.message),
    );
  bad("{not json", /^decoding seccomp profile failed: /);
  bad("[]", /must be a JSON object/);
  bad('{"defaultAction": 3}', /defaultAction/);
  bad('{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":"x","action":"A"}]}', /syscalls\[0\]\.names/);
  assert.throws(
    () =>
      translateSeccompProfile(
        {
          defaultAction: "SCMP_ACT_ALLOW",
          architectures: ["SCMP_ARCH_X86_64"],
          archMap: [{ architecture: "SCMP_ARCH_X86_64", subArchitectures: null }],
        },
        ctx,
      ),
    /use either 'architectures' or 'archMap'/,
  );
  assert.throws(
    () =>
      translateSeccompProfile(
        {
          defaultAction: "SCMP_ACT_ALLOW",
          syscalls: [{ name: "a", names: ["b"], action: "SCMP_ACT_ALLOW" }],
        },
        ctx,
      ),
    /use either 'name' or 'names'/,
  );
});

// Smoke test: the generated config.json runs under the real runc, with Docker's capabilities
// and seccomp. Needs root, runc and a static busybox; skipped otherwise. No network traffic
// (host network namespace, nothing contacted).
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { randomBytes } from "node:crypto";
import { buildSpec } from "./build-spec.ts";
import { capabilityMask, DEFAULT_CAPABILITIES } from "./capabilities.ts";
import { specToJson } from "./spec-json.ts";
import { readRuntimeHostFacts } from "../host/read-runtime-host-facts.ts";
import type { ContainerSpecInput } from "./types.ts";

const runcPath = ["/usr/sbin/runc", "/usr/bin/runc", "/usr/local/sbin/runc", "/usr/local/bin/runc"].find(
  (p) => existsSync(p),
);
const isRoot = process.getuid?.() === 0;
const skip = !isRoot ? "needs root" : runcPath === undefined ? "needs runc" : false;

const hostFacts = readRuntimeHostFacts;

describe("generated spec under runc", { skip }, () => {
  let dir = "";
  const runc = (args: string[]) =>
    spawnSync(runcPath as string, ["--root", join(dir, "state"), ...args], {
      encoding: "utf8",
      timeout: 30_000,
    });

  before(() => {
    dir = mkdtempSync(join(tmpdir(), "berth-spec-"));
    const made = spawnSync("sh", [resolve("scripts/make-busybox-rootfs.sh"), join(dir, "rootfs")], {
      encoding: "utf8",
    });
    assert.equal(made.status, 0, made.stderr);
  });
  after(() => {
    if (dir !== "") rmSync(dir, { recursive: true, force: true });
  });

  function run(options: Partial<ContainerSpecInput> = {}): string {
    const id = `berth-test-${randomBytes(6).toString("hex")}`;
    const rootfs = join(dir, "rootfs");
    const spec = buildSpec({
      id,
      image: { cmd: ["sh", "-c", "id; grep -E '^(Cap|Seccomp:)' /proc/self/status"] },
      network: "host",
      rootfs,
      cgroupsPath: id,
      passwd: readFileSync(join(rootfs, "etc/passwd"), "utf8"),
      group: readFileSync(join(rootfs, "etc/group"), "utf8"),
      host: hostFacts(),
      ...options,
    });
    writeFileSync(join(dir, "config.json"), specToJson(spec));
    try {
      const out = runc(["run", "--bundle", dir, id]);
      assert.equal(out.status, 0, `runc run failed: ${out.stderr}`);
      return out.stdout;
    } finally {
      runc(["delete", "-f", id]);
    }
  }

  const capLine = (out: string, name: string) => new RegExp(`^${name}:\\s*([0-9a-f]+)$`, "m").exec(out)?.[1];
  const defaultMask = capabilityMask(DEFAULT_CAPABILITIES).toString(16).padStart(16, "0");

  test("root gets Docker's default capabilities", () => {
    const out = run();
    assert.match(out, /^uid=0\(root\) gid=0\(root\)/m);
    assert.equal(capLine(out, "CapEff"), defaultMask);
    assert.equal(capLine(out, "CapBnd"), defaultMask);
    assert.match(out, /^Seccomp:\s*2$/m, "seccomp filter mode");
  });

  test("--user nobody runs without effective capabilities", () => {
    const out = run({ user: "nobody" });
    assert.match(out, /^uid=65534\(nobody\) gid=65534\(nogroup\)/m);
    assert.equal(capLine(out, "CapEff"), "0000000000000000");
    assert.equal(capLine(out, "CapBnd"), defaultMask);
  });

  const tini = ["/usr/bin/tini-static", "/usr/bin/tini"].find((p) => existsSync(p));
  const cgroupV1 = !existsSync("/sys/fs/cgroup/cgroup.controllers");

  test(
    "Docker's run options take effect",
    { skip: !cgroupV1 || tini === undefined ? "needs cgroup v1 and tini-static" : false },
    () => {
      const hosts = join(dir, "hosts");
      writeFileSync(hosts, "127.0.0.1\tlocalhost\n10.0.0.9\tsmoke\n");
      const script = [
        "echo init=$(cat /proc/1/comm) ppid=$PPID",
        "cat /sys/fs/cgroup/memory/memory.limit_in_bytes /sys/fs/cgroup/pids/pids.max",
        "echo nofile=$(ulimit -n):$(ulimit -Hn)",
        "echo host=$(hostname) foo=$FOO cwd=$(pwd)",
        "touch /x 2>/dev/null || echo rootfs-ro",
        "touch /run/y && echo tmpfs-rw",
        "grep CapEff /proc/self/status",
        "grep smoke /etc/hosts",
      ].join("; ");
      const out = run({
        image: { cmd: ["sh", "-c", script], env: ["FOO=image"] },
        env: ["FOO=bar"],
        init: tini as string,
        readOnly: true,
        tmpfs: { "/run": "size=1m" },
        hostname: "smoke",
        workdir: "/tmp",
        hostsPath: hosts,
        capDrop: ["ALL"],
        capAdd: ["kill"],
        ulimits: ["nofile=1000:2000"],
        resources: { memory: 64 * 1024 * 1024, pidsLimit: 50 },
      });
      assert.match(out, /^init=docker-init ppid=1$/m, "the init is PID 1, the command its child");
      assert.match(out, /^67108864\n50$/m);
      assert.match(out, /^nofile=1000:2000$/m);
      assert.match(out, /^host=smoke foo=bar cwd=\/tmp$/m);
      assert.match(out, /^rootfs-ro$/m);
      assert.match(out, /^tmpfs-rw$/m);
      assert.match(out, /^CapEff:\s*0000000000000020$/m);
      assert.match(out, /^10\.0\.0\.9\tsmoke$/m);
    },
  );

  test("--privileged gets the host's bounding set and no seccomp", () => {
    const facts = hostFacts();
    const out = run({ privileged: true });
    const mask = capabilityMask(facts.boundingCaps).toString(16).padStart(16, "0");
    assert.equal(capLine(out, "CapEff"), mask);
    assert.match(out, /^Seccomp:\s*0$/m);
  });
});

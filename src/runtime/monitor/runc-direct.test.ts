import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { execFileSync } from "node:child_process";
import { deleteStoppedDirect, signalInitDirect, signalOf, startCreatedDirect } from "./runc-direct.ts";

function startTime(pid: number): string {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19] ?? "";
}

/** A runc-like state dir for `id` whose init is `pid`, with the given cgroup dirs. */
function writeState(
  root: string,
  id: string,
  pid: number,
  start: string,
  cgroups: string[],
  extra = {},
): void {
  mkdirSync(join(root, id), { recursive: true });
  writeFileSync(
    join(root, id, "state.json"),
    JSON.stringify({
      id,
      init_process_pid: pid,
      init_process_start: Number(start),
      cgroup_paths: Object.fromEntries(cgroups.map((p, i) => [`c${i}`, p])),
      intel_rdt_path: "",
      config: { namespaces: [{ type: "NEWPID", path: "" }], cgroups: { Systemd: false } },
      ...extra,
    }),
  );
}

test("signalOf takes runc's spellings", () => {
  assert.equal(signalOf("KILL"), "SIGKILL");
  assert.equal(signalOf("sigterm"), "SIGTERM");
  assert.equal(signalOf("9"), 9);
  assert.equal(signalOf(15), 15);
  assert.equal(signalOf("NOPE"), undefined);
  assert.equal(signalOf("0"), undefined);
});

test("signals the init named by the state file, and only while its start time matches", async () => {
  const root = mkdtempSync(join(tmpdir(), "runc-direct-"));
  const child = spawn("sleep", ["30"], { stdio: "ignore" });
  try {
    const pid = child.pid ?? 0;
    const exited = new Promise((resolve) => child.once("exit", (_code, signal) => resolve(signal)));
    writeState(root, "stale", pid, String(Number(startTime(pid)) + 1), []);
    assert.equal(await signalInitDirect(root, "stale", "KILL"), false, "a recycled pid is left alone");
    assert.equal(await signalInitDirect(root, "missing", "KILL"), false);
    writeState(root, "live", pid, startTime(pid), []);
    assert.equal(await signalInitDirect(root, "live", "BOGUS"), false);
    assert.equal(await signalInitDirect(root, "live", "TERM"), true);
    assert.equal(await exited, "SIGTERM");
  } finally {
    child.kill("SIGKILL");
    rmSync(root, { recursive: true, force: true });
  }
});

test("deletes an exited container's cgroups and state dir; leaves running or special ones to runc", async () => {
  const root = mkdtempSync(join(tmpdir(), "runc-direct-"));
  const cg = mkdtempSync(join(tmpdir(), "runc-direct-cg-"));
  const child = spawn("sleep", ["30"], { stdio: "ignore" });
  try {
    const pid = child.pid ?? 0;
    const start = startTime(pid);
    const a = join(cg, "cpu", "ctr");
    const b = join(cg, "memory", "ctr");
    mkdirSync(a, { recursive: true });
    mkdirSync(b, { recursive: true });
    writeState(root, "running", pid, start, [a, b]);
    assert.equal(await deleteStoppedDirect(root, "running"), false, "init still alive");
    writeState(root, "hooks", pid, String(Number(start) + 1), [a], {
      config: { namespaces: [{ type: "NEWPID", path: "" }], hooks: { poststop: [{}] } },
    });
    assert.equal(await deleteStoppedDirect(root, "hooks"), false, "poststop hooks are runc's job");
    writeState(root, "shared", pid, String(Number(start) + 1), [a], { config: { namespaces: [] } });
    assert.equal(await deleteStoppedDirect(root, "shared"), false, "no own pid namespace");
    mkdirSync(join(b, "child"));
    writeState(root, "busy", pid, String(Number(start) + 1), [a, b]);
    assert.equal(await deleteStoppedDirect(root, "busy"), false, "a sub-cgroup: runc removes it");
    rmSync(join(b, "child"), { recursive: true });
    mkdirSync(a, { recursive: true });
    writeState(root, "gone", pid, String(Number(start) + 1), [a, b, a]);
    assert.equal(await deleteStoppedDirect(root, "gone"), true);
    assert.equal(existsSync(a), false);
    assert.equal(existsSync(b), false);
    assert.equal(existsSync(join(root, "gone")), false);
  } finally {
    child.kill("SIGKILL");
    rmSync(root, { recursive: true, force: true });
    rmSync(cg, { recursive: true, force: true });
  }
});

test("start: reads init's byte from exec.fifo and removes the fifo, also when init exits at once", async () => {
  const root = mkdtempSync(join(tmpdir(), "runc-direct-"));
  try {
    for (const [id, script] of [
      // init waits on the fifo (as runc init does), then execs and keeps running
      ["waits", 'printf 0 > "$1" && exec sleep 30'],
      // init writes a little later and is gone at once (`docker run … true`): the byte counts
      ["quick", 'sleep 0.2; printf 0 > "$1"'],
    ] as const) {
      mkdirSync(join(root, id));
      const fifo = join(root, id, "exec.fifo");
      execFileSync("mkfifo", [fifo]);
      const child = spawn("sh", ["-c", script, "sh", fifo], { stdio: "ignore" });
      try {
        const pid = child.pid ?? 0;
        writeState(root, id, pid, startTime(pid), []);
        assert.equal(await startCreatedDirect(root, id), true, id);
        assert.equal(existsSync(fifo), false, "the fifo is gone: the container counts as running");
      } finally {
        child.kill("SIGKILL");
      }
    }
    assert.equal(await startCreatedDirect(root, "missing"), false);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

// An exec'd process (native/berth_exec.c, not runc exec) is confined exactly like the
// container's own process: same capability sets, no_new_privs and seccomp state as PID 1, same
// namespaces and cgroups (on the host side too, so pids limits and stats count it), the default
// seccomp profile really filters, --privileged gets the whole bounding set, -u drops every
// capability, --cap-drop on the container holds for exec, -t gives a controlling terminal, and
// a missing or non-executable command gets Docker's message and 127 / 126.
import assert from "node:assert/strict";
import { readFileSync, readdirSync, readlinkSync } from "node:fs";
import { before, describe, it } from "node:test";
import { useBusyboxDaemon } from "../helpers/use-busybox-daemon.ts";

const TERMINABLE = "trap 'exit 0' TERM; while :; do sleep 0.1; done";
const STATUS_FIELDS = [
  "CapInh",
  "CapPrm",
  "CapEff",
  "CapBnd",
  "CapAmb",
  "NoNewPrivs",
  "Seccomp",
  "Seccomp_filters",
];

function statusFields(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split("\n")) {
    const m = /^(\w+):\s*(.*)$/.exec(line);
    if (m?.[1] !== undefined && STATUS_FIELDS.includes(m[1])) out[m[1]] = m[2] ?? "";
  }
  return out;
}

const capBit = (hex: string | undefined, bit: number): bigint =>
  (BigInt(`0x${hex ?? "0"}`) >> BigInt(bit)) & 1n;

describe("docker exec confinement", () => {
  const daemon = useBusyboxDaemon();
  const initPid = new Map<string, number>();
  const run = async (name: string, ...flags: string[]): Promise<void> => {
    const r = await daemon.docker(["run", "-d", "--name", name, ...flags, "busybox", "sh", "-c", TERMINABLE]);
    assert.equal(r.code, 0, r.stderr);
    const pid = await daemon.docker(["inspect", "-f", "{{.State.Pid}}", name]);
    initPid.set(name, Number(pid.stdout.trim()));
  };
  const exec = async (args: string[]): Promise<string> => {
    const r = await daemon.docker(["exec", ...args]);
    assert.equal(r.code, 0, `docker exec ${args.join(" ")}: ${r.stderr}${r.stdout}`);
    return r.stdout;
  };
  const hostStatus = (name: string): Record<string, string> =>
    statusFields(readFileSync(`/proc/${initPid.get(name)}/status`, "utf8"));

  /** A detached `sleep` exec: its host pid (from exec inspect), to read its /proc from the host. */
  const detached = async (name: string, extra: Record<string, unknown> = {}): Promise<number> => {
    const create = await daemon.request("POST", `/containers/${name}/exec`, {
      Cmd: ["sleep", "30"],
      ...extra,
    });
    assert.equal(create.status, 201);
    const id = create.json<{ Id: string }>().Id;
    assert.equal((await daemon.request("POST", `/exec/${id}/start`, { Detach: true })).status, 200);
    for (const deadline = Date.now() + 10_000; ;) {
      const pid = (await daemon.request("GET", `/exec/${id}/json`)).json<{ Pid: number }>().Pid;
      // The pid is known from the fork on; wait for the exec of sleep itself.
      if (pid > 0 && readFileSync(`/proc/${pid}/comm`, "utf8") === "sleep\n") return pid;
      assert.ok(Date.now() < deadline, "exec inspect never showed a running sleep");
      await new Promise((res) => setTimeout(res, 20));
    }
  };

  before(async () => {
    await run("conf");
    await run("dropped", "--cap-drop", "CHOWN", "--cap-drop", "NET_RAW");
    await run("unconfined", "--security-opt", "seccomp=unconfined");
  });

  it("has PID 1's capability sets, no_new_privs and seccomp filter", async () => {
    for (const name of ["conf", "dropped", "unconfined"]) {
      const fields = statusFields(await exec([name, "cat", "/proc/self/status"]));
      assert.deepEqual(fields, hostStatus(name), name);
    }
    const conf = hostStatus("conf");
    assert.equal(conf.Seccomp, "2", "the default profile is a filter");
    assert.equal(conf.Seccomp_filters, "1", "one filter, as runc loads");
    assert.equal(conf.NoNewPrivs, "0");
    assert.equal(hostStatus("unconfined").Seccomp, "0");
  });

  it("is in PID 1's namespaces and cgroups", async () => {
    const nsOf = (pid: number): string =>
      readdirSync(`/proc/${pid}/ns`)
        .sort()
        .map((n) => `${n} ${readlinkSync(`/proc/${pid}/ns/${n}`)}`)
        .join("\n");
    const links = await exec([
      "conf",
      "sh",
      "-c",
      "for n in $(ls /proc/self/ns | sort); do echo $n $(readlink /proc/self/ns/$n); done",
    ]);
    assert.equal(links.trim(), nsOf(initPid.get("conf") ?? 0));
    assert.notEqual(links.trim(), nsOf(process.pid), "not the host's namespaces");
    const cgroups = await exec(["conf", "sh", "-c", "cat /proc/self/cgroup; echo --; cat /proc/1/cgroup"]);
    const [mine, init] = cgroups.split("--\n");
    assert.equal(mine, init);
    assert.match(mine ?? "", /pids:\/.+/, "a container cgroup, not the root");
  });

  it("joins the container's cgroups on the host: listed in cgroup.procs, shown by top", async () => {
    const pid = await detached("conf");
    try {
      const init = initPid.get("conf") ?? 0;
      assert.equal(readFileSync(`/proc/${pid}/cgroup`, "utf8"), readFileSync(`/proc/${init}/cgroup`, "utf8"));
      const pidsLine = readFileSync(`/proc/${init}/cgroup`, "utf8")
        .split("\n")
        .find((l) => /^\d+:pids:/.test(l));
      const procs = readFileSync(`/sys/fs/cgroup/pids${pidsLine?.split(":")[2]}/cgroup.procs`, "utf8");
      assert.ok(procs.split("\n").includes(String(pid)), "in the container's pids cgroup");
      const top = await daemon.docker(["top", "conf"]);
      assert.match(top.stdout, /sleep 30/);
      // The helper that waits for it stays outside: the container holds only its own processes.
      assert.ok(!procs.split("\n").includes(String(readFileSync(`/proc/${pid}/stat`, "utf8").split(" ")[3])));
    } finally {
      process.kill(pid, "SIGKILL");
    }
  });

  it("is filtered by the container's seccomp profile", async () => {
    // unshare(2) of a user namespace needs no capability, but Docker's profile denies it.
    const denied = await daemon.docker(["exec", "conf", "unshare", "-U", "true"]);
    assert.notEqual(denied.code, 0);
    assert.match(denied.stderr, /Operation not permitted/);
    const privileged = await daemon.docker(["exec", "--privileged", "conf", "unshare", "-U", "true"]);
    assert.notEqual(privileged.code, 0, "--privileged keeps the container's profile");
    assert.equal((await daemon.docker(["exec", "unconfined", "unshare", "-U", "true"])).code, 0);
  });

  it("--privileged gets the whole bounding set; -u 1000:1000 gets no capability", async () => {
    const host = statusFields(readFileSync("/proc/self/status", "utf8"));
    const priv = statusFields(await exec(["--privileged", "conf", "cat", "/proc/self/status"]));
    assert.equal(priv.CapEff, host.CapBnd);
    assert.equal(priv.CapPrm, host.CapBnd);
    assert.equal(priv.CapBnd, host.CapBnd);
    assert.match(await exec(["-u", "1000:1000", "conf", "id"]), /^uid=1000 gid=1000\b/);
    // The test image's / is 0700: uid 1000 cannot read inside, the host reads its /proc.
    const pid = await detached("conf", { User: "1000:1000" });
    try {
      const status = readFileSync(`/proc/${pid}/status`, "utf8");
      assert.match(status, /^Uid:\s+1000\s+1000\s+1000\s+1000$/m);
      assert.match(status, /^Gid:\s+1000\s+1000\s+1000\s+1000$/m);
      const caps = statusFields(status);
      assert.equal(caps.CapEff, "0000000000000000");
      assert.equal(caps.CapPrm, "0000000000000000");
      assert.equal(caps.CapBnd, hostStatus("conf").CapBnd);
      assert.equal(caps.Seccomp_filters, "1");
    } finally {
      process.kill(pid, "SIGKILL");
    }
  });

  it("--cap-drop on the container holds for exec", async () => {
    const caps = statusFields(await exec(["dropped", "cat", "/proc/self/status"]));
    assert.equal(capBit(caps.CapEff, 0), 0n, "no CAP_CHOWN");
    assert.equal(capBit(caps.CapEff, 13), 0n, "no CAP_NET_RAW");
    assert.equal(capBit(statusFields(await exec(["conf", "cat", "/proc/self/status"])).CapEff, 0), 1n);
    const chown = await daemon.docker(["exec", "dropped", "sh", "-c", "touch /tmp/f && chown 1:1 /tmp/f"]);
    assert.notEqual(chown.code, 0);
    assert.equal(
      (await daemon.docker(["exec", "conf", "sh", "-c", "touch /tmp/f && chown 1:1 /tmp/f"])).code,
      0,
    );
  });

  it("-t: the terminal is the process's controlling terminal, in its own session", async () => {
    const out = await exec(["-t", "conf", "sh", "-c", "cat /proc/self/stat; test -t 0 && echo tty"]);
    const fields = out.slice(out.lastIndexOf(")") + 2).split(" ");
    // stat(5): after state and ppid come pgrp, session, tty_nr.
    assert.notEqual(fields[4], "0", "a controlling terminal");
    assert.match(out, /\ntty\r?\n/);
  });

  it("a command that is missing or not executable: Docker's message, 127 / 126", async () => {
    const missing = await daemon.docker(["exec", "conf", "nosuchcmd"]);
    assert.equal(missing.code, 127);
    assert.match(
      missing.stdout + missing.stderr,
      /OCI runtime exec failed: exec failed: unable to start container process: exec: "nosuchcmd": executable file not found in \$PATH: unknown/,
    );
    const path = await daemon.docker(["exec", "conf", "/no/such"]);
    assert.equal(path.code, 127);
    assert.match(path.stdout + path.stderr, /no such file or directory/);
    const notExec = await daemon.docker(["exec", "conf", "/etc/passwd"]);
    assert.equal(notExec.code, 126);
    assert.match(notExec.stdout + notExec.stderr, /permission denied/);
    const create = await daemon.request("POST", "/containers/conf/exec", { Cmd: ["nosuchcmd"] });
    const id = create.json<{ Id: string }>().Id;
    await daemon.request("POST", `/exec/${id}/start`, {});
    assert.equal(
      (await daemon.request("GET", `/exec/${id}/json`)).json<{ ExitCode: number }>().ExitCode,
      127,
    );
  });
});

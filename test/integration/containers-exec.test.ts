// docker exec through the real docker CLI 28: output and exit codes, -e/-w/-u/--privileged,
// -i with piped stdin, -d, -t through a real pseudo-terminal, Docker's errors for stopped and
// paused containers, exec inspect against the swagger, events, and exec record GC.
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { onTerminal } from "../helpers/terminal-session.ts";
import { validateResponse } from "../helpers/swagger-validator.ts";
import { useBusyboxDaemon } from "../helpers/use-busybox-daemon.ts";

const TERMINABLE = "trap 'exit 0' TERM; while :; do sleep 0.1; done";

describe("docker exec", () => {
  const daemon = useBusyboxDaemon();
  let ctr = "";
  before(async () => {
    const run = await daemon.docker([
      "run",
      "-d",
      "--name",
      "ex",
      "-e",
      "FOO=bar",
      "busybox",
      "sh",
      "-c",
      TERMINABLE,
    ]);
    assert.equal(run.code, 0, run.stderr);
    ctr = run.stdout.trim();
  });

  it("keeps stdout and stderr apart and reports the exit code", async () => {
    const r = await daemon.docker(["exec", "ex", "sh", "-c", "echo out; echo err >&2; exit 3"]);
    assert.equal(r.stdout, "out\n");
    assert.equal(r.stderr, "err\n");
    assert.equal(r.code, 3);
    assert.equal((await daemon.docker(["exec", "ex", "true"])).code, 0);
  });

  it("applies -e, -w, -u and --privileged; inherits the container's env", async () => {
    const env = await daemon.docker(["exec", "-e", "A=1", "-e", "FOO=baz", "ex", "env"]);
    assert.match(env.stdout, /^A=1$/m);
    assert.match(env.stdout, /^FOO=baz$/m);
    assert.match(env.stdout, /^PATH=/m);
    assert.equal((await daemon.docker(["exec", "-w", "/etc", "ex", "pwd"])).stdout, "/etc\n");
    assert.equal((await daemon.docker(["exec", "-u", "nobody", "ex", "id", "-u"])).stdout, "65534\n");
    assert.equal((await daemon.docker(["exec", "-u", "1234:55", "ex", "id", "-g"])).stdout, "55\n");
    const home = await daemon.docker(["exec", "-u", "nobody", "ex", "sh", "-c", "echo $HOME"]);
    assert.notEqual(home.stdout, "/root\n");
    const capOf = async (args: string[]): Promise<bigint> => {
      const r = await daemon.docker(["exec", ...args, "ex", "grep", "CapEff", "/proc/self/status"]);
      return BigInt(`0x${r.stdout.trim().split(/\s+/)[1]}`);
    };
    const plain = await capOf([]);
    const privileged = await capOf(["--privileged"]);
    assert.ok((privileged & ~plain) !== 0n, "--privileged adds capabilities");
    assert.equal((privileged >> 21n) & 1n, 1n, "CAP_SYS_ADMIN with --privileged");
    assert.equal((plain >> 21n) & 1n, 0n, "no CAP_SYS_ADMIN without");
    const bad = await daemon.docker(["exec", "-u", "nosuchuser", "ex", "true"]);
    assert.notEqual(bad.code, 0);
  });

  it("joins the container: same namespaces, seccomp", async () => {
    const r = await daemon.docker([
      "exec",
      "ex",
      "sh",
      "-c",
      "cat /proc/1/cmdline | tr '\\0' ' '; grep Seccomp: /proc/self/status",
    ]);
    assert.match(r.stdout, /^sh -c trap/);
    assert.match(r.stdout, /Seccomp:\s+2/);
  });

  it("-i forwards piped stdin and output continues after stdin ends", async () => {
    const r = await daemon.docker(["exec", "-i", "ex", "cat"], { input: "hi\nthere\n" });
    assert.equal(r.stdout, "hi\nthere\n");
    assert.equal(r.code, 0);
    const late = await daemon.docker(["exec", "-i", "ex", "sh", "-c", "cat; sleep 0.2; echo late; exit 5"], {
      input: "x\n",
    });
    assert.equal(late.stdout, "x\nlate\n");
    assert.equal(late.code, 5);
    const big = "y".repeat(1 << 20);
    const wc = await daemon.docker(["exec", "-i", "ex", "wc", "-c"], { input: big });
    assert.equal(wc.stdout.trim(), String(1 << 20));
  });

  it("-d runs detached and the exit code lands in exec inspect", async () => {
    const d = await daemon.docker(["exec", "-d", "ex", "sh", "-c", "echo done > /tmp/detached"]);
    assert.equal(d.code, 0, d.stderr);
    const deadline = Date.now() + 10_000;
    for (;;) {
      const r = await daemon.docker(["exec", "ex", "cat", "/tmp/detached"]);
      if (r.stdout === "done\n") break;
      assert.ok(Date.now() < deadline, "detached exec never ran");
      await new Promise((res) => setTimeout(res, 20));
    }
  });

  it("inspect follows the swagger; start, resize and inspect errors", async () => {
    const create = await daemon.request("POST", `/containers/ex/exec`, {
      Cmd: ["sh", "-c", "exit 7"],
      User: "nobody",
      AttachStdout: true,
      AttachStderr: true,
    });
    assert.equal(create.status, 201);
    validateResponse("POST", "/containers/{id}/exec", 201, create.json());
    const id = (create.json() as { Id: string }).Id;
    const before = await daemon.request("GET", `/exec/${id}/json`);
    assert.equal(before.status, 200);
    // Docker's ExitCode is null until the process has run (moby's *int), beyond the swagger.
    assert.equal(before.json<{ ExitCode: number | null }>().ExitCode, null);
    assert.equal(before.json<{ Running: boolean }>().Running, false);
    const start = await daemon.request("POST", `/exec/${id}/start`, { Detach: false });
    assert.equal(start.status, 200);
    const done = (await daemon.request("GET", `/exec/${id}/json`)).json<Record<string, unknown>>();
    validateResponse("GET", "/exec/{id}/json", 200, done);
    assert.equal(done.ExitCode, 7);
    assert.equal(done.Running, false);
    assert.equal(done.ContainerID, ctr);
    assert.ok((done.Pid as number) > 0);
    assert.deepEqual(done.ProcessConfig, {
      tty: false,
      entrypoint: "sh",
      arguments: ["-c", "exit 7"],
      privileged: false,
      user: "nobody",
    });
    const again = await daemon.request("POST", `/exec/${id}/start`, { Detach: false });
    assert.equal(again.status, 409);
    const none = await daemon.request("GET", `/exec/nope/json`);
    assert.equal(none.status, 404);
    assert.equal((none.json() as { message: string }).message, "No such exec instance: nope");
    assert.equal((await daemon.request("POST", `/exec/nope/start`, {})).status, 404);
    assert.equal((await daemon.request("POST", `/exec/${id}/resize?h=-1&w=10`)).status, 400);
    assert.equal((await daemon.request("POST", `/exec/${id}/resize?h=10&w=99999999`)).status, 400);
    const noCmd = await daemon.request("POST", `/containers/ex/exec`, { Cmd: [] });
    assert.equal(noCmd.status, 400);
    const strCmd = await daemon.request("POST", `/containers/ex/exec`, { Cmd: "ls" });
    assert.equal(strCmd.status, 400);
    const noCtr = await daemon.request("POST", `/containers/nosuch/exec`, { Cmd: ["true"] });
    assert.equal(noCtr.status, 404);
  });

  it("refuses stopped and paused containers with Docker's errors", async () => {
    const stopped = await daemon.docker(["create", "--name", "stopped", "busybox", "true"]);
    const sid = stopped.stdout.trim();
    const r = await daemon.docker(["exec", "stopped", "true"]);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, new RegExp(`container ${sid} is not running`));
    assert.equal((await daemon.docker(["pause", "ex"])).code, 0);
    try {
      const p = await daemon.docker(["exec", "ex", "true"]);
      assert.notEqual(p.code, 0);
      assert.match(p.stderr, new RegExp(`container ${ctr} is paused, unpause the container before exec`));
      const api = await daemon.request("POST", `/containers/ex/exec`, { Cmd: ["true"] });
      assert.equal(api.status, 409);
    } finally {
      assert.equal((await daemon.docker(["unpause", "ex"])).code, 0);
    }
  });

  it("publishes exec_create, exec_start and exec_die events", async () => {
    const since = Math.floor(Date.now() / 1000) - 1;
    assert.equal((await daemon.docker(["exec", "ex", "sh", "-c", "exit 2"])).code, 2);
    const until = Math.ceil(Date.now() / 1000) + 1;
    const ev = await daemon.docker([
      "events",
      "--since",
      String(since),
      "--until",
      String(until),
      "--filter",
      `container=${ctr}`,
      "--format",
      "{{.Action}} {{.Actor.Attributes.exitCode}}",
    ]);
    const lines = ev.stdout.trim().split("\n");
    assert.ok(lines.includes("exec_create: sh -c exit 2 <no value>"), ev.stdout);
    assert.ok(lines.includes("exec_start: sh -c exit 2 <no value>"), ev.stdout);
    assert.ok(lines.includes("exec_die 2"), ev.stdout);
  });

  it("-it drives a shell through a real pseudo-terminal", () => {
    const r = onTerminal(
      daemon,
      ["exec", "-it", "ex", "sh"],
      [["# ", "stty size; echo hi$((1+1)); exit 4\r"]],
    );
    assert.equal(r.code, 4, `${r.screen}\n${r.stderr}`);
    assert.match(r.screen, /\r?\nhi2\r+\n/);
    assert.match(r.screen, /^33 111\r+$/m, "the terminal has the client's size");
  });

  it("berth exec: output, exit code, -i, -e/-w/-u, -d", async () => {
    const r = await daemon.berth(["exec", "ex", "sh", "-c", "echo out; echo err >&2; exit 3"]);
    assert.equal(r.stdout, "out\n");
    assert.equal(r.stderr, "err\n");
    assert.equal(r.code, 3);
    const i = await daemon.berth(["exec", "-i", "ex", "sh", "-c", "cat; echo end"], { input: "piped\n" });
    assert.equal(i.stdout, "piped\nend\n");
    const f = await daemon.berth([
      "exec",
      "-e",
      "X=y",
      "-w",
      "/tmp",
      "-u",
      "nobody",
      "ex",
      "sh",
      "-c",
      "echo $X $(pwd) $(id -u)",
    ]);
    assert.equal(f.stdout, "y /tmp 65534\n");
    const t = await daemon.berth(["exec", "-t", "ex", "sh", "-c", "test -t 1 && echo tty"]);
    assert.equal(t.stdout, "tty\r\n");
    assert.equal((await daemon.berth(["exec", "-d", "ex", "true"])).code, 0);
    assert.equal((await daemon.docker(["create", "--name", "idle", "busybox", "true"])).code, 0);
    const bad = await daemon.berth(["exec", "idle", "true"]);
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /is not running/);
  });

  it("collects finished exec records: thousands of execs do not grow the table", async () => {
    const ids: string[] = [];
    for (let i = 0; i < 120; i++) {
      const c = await daemon.request("POST", `/containers/ex/exec`, { Cmd: ["true"] });
      ids.push((c.json() as { Id: string }).Id);
    }
    // The oldest records are gone, the newest kept for their exit codes.
    assert.equal((await daemon.request("GET", `/exec/${ids[0]}/json`)).status, 404);
    assert.equal((await daemon.request("GET", `/exec/${ids.at(-1)}/json`)).status, 200);
    const rm = await daemon.docker(["rm", "-f", "stopped"]);
    assert.equal(rm.code, 0);
    const last = ids.at(-1) ?? "";
    const tmp = await daemon.docker(["run", "-d", "--name", "tmp", "busybox", "sh", "-c", TERMINABLE]);
    assert.equal(tmp.code, 0);
    const e = await daemon.request("POST", `/containers/tmp/exec`, { Cmd: ["true"] });
    const eid = (e.json() as { Id: string }).Id;
    assert.equal((await daemon.request("POST", `/exec/${eid}/start`, {})).status, 200);
    assert.equal((await daemon.docker(["rm", "-f", "tmp"])).code, 0);
    assert.equal(
      (await daemon.request("GET", `/exec/${eid}/json`)).status,
      404,
      "dropped with its container",
    );
    assert.equal((await daemon.request("GET", `/exec/${last}/json`)).status, 200);
  });
});

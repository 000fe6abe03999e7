// Running containers through the real docker CLI and berth, with conmon + runc underneath:
// output and exit codes, detached containers, logs, stop/kill/wait/restart, resources, forced
// removal, and live restore across a daemon kill -9. Nothing may be left behind.
import assert from "node:assert/strict";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { validateResponse } from "../helpers/swagger-validator.ts";
import { conmonsOf, mountsUnder, until } from "../helpers/leftovers.ts";
import { useBusyboxDaemon } from "../helpers/use-busybox-daemon.ts";

/** A loop that exits 0 on SIGTERM (sh as PID 1 ignores signals it has no handler for). */
const TERMINABLE = "trap 'exit 0' TERM; while :; do sleep 0.1; done";

describe("running containers", () => {
  const daemon = useBusyboxDaemon();

  it("docker run prints output, keeps stderr apart, returns the exit code and --rm removes", async () => {
    const run = await daemon.docker(["run", "--rm", "busybox", "sh", "-c", "echo out; echo err >&2; exit 3"]);
    assert.equal(run.code, 3);
    assert.equal(run.stdout, "out\n");
    assert.equal(run.stderr, "err\n");
    assert.equal((await daemon.docker(["ps", "-aq"])).stdout, "");
  });

  it("berth run does the same", async () => {
    const run = await daemon.berth(["run", "--rm", "busybox", "sh", "-c", "echo out; echo err >&2; exit 4"]);
    assert.equal(run.code, 4);
    assert.equal(run.stdout, "out\n");
    assert.equal(run.stderr, "err\n");
  });

  it("runs detached, shows logs, stops with SIGTERM, reports the exit", async () => {
    const run = await daemon.docker([
      "run",
      "-d",
      "--name",
      "ticker",
      "busybox",
      "sh",
      "-c",
      `echo started; ${TERMINABLE}`,
    ]);
    assert.equal(run.code, 0, run.stderr);
    const id = run.stdout.trim();
    assert.match(id, /^[a-f0-9]{64}$/);
    const ps = await daemon.docker(["ps", "--format", "{{.Names}} {{.Status}}"]);
    assert.match(ps.stdout, /^ticker Up /);
    const logs = await daemon.docker(["logs", "ticker"]);
    assert.equal(logs.stdout, "started\n");
    const stop = await daemon.docker(["stop", "-t", "5", "ticker"]);
    assert.equal(stop.code, 0, stop.stderr);
    const state = await daemon.docker(["inspect", "-f", "{{.State.Status}} {{.State.ExitCode}}", "ticker"]);
    assert.equal(state.stdout.trim(), "exited 0");
    const wait = await daemon.docker(["wait", "ticker"]);
    assert.equal(wait.stdout.trim(), "0");
  });

  it("kill, restart and forced removal of a running container", async () => {
    const start = await daemon.docker(["start", "ticker"]);
    assert.equal(start.code, 0, start.stderr);
    const kill = await daemon.docker(["kill", "ticker"]);
    assert.equal(kill.code, 0, kill.stderr);
    assert.equal((await daemon.docker(["wait", "ticker"])).stdout.trim(), "137");
    assert.equal((await daemon.docker(["restart", "-t", "1", "ticker"])).code, 0);
    const running = await daemon.docker(["inspect", "-f", "{{.State.Running}}", "ticker"]);
    assert.equal(running.stdout.trim(), "true");
    const refused = await daemon.docker(["rm", "ticker"]);
    assert.notEqual(refused.code, 0);
    assert.equal((await daemon.docker(["rm", "-f", "ticker"])).code, 0);
    assert.deepEqual(mountsUnder(daemon.root), []);
  });

  it("refuses to remove an image a container uses, as Docker does", async () => {
    const id = (await daemon.docker(["create", "--name", "holder", "busybox", "true"])).stdout.trim();
    assert.match(id, /^[a-f0-9]{64}$/);
    const byName = await daemon.docker(["rmi", "busybox"]);
    assert.notEqual(byName.code, 0);
    assert.match(
      byName.stderr,
      /unable to remove repository reference "busybox" \(must force\) - container [a-f0-9]{12} is using its referenced image/,
    );
    const info = await daemon.docker(["info", "--format", "{{.Containers}} {{.ContainersStopped}}"]);
    assert.equal(info.stdout.trim(), "1 1");
    const prune = await daemon.docker(["image", "prune", "-a", "-f"]);
    assert.equal(prune.code, 0, prune.stderr);
    assert.equal((await daemon.docker(["images", "-q"])).stdout.trim().length, 12, "the used image stays");
    assert.equal((await daemon.docker(["rm", "holder"])).code, 0);
  });

  it("rotates a large log by default and loses nothing", async () => {
    const line = "0123456789".repeat(7); // 70 bytes + newline per line
    const bytes = 70 * 1024 * 1024;
    const run = await daemon.docker(["run", "-d", "busybox", "sh", "-c", `yes ${line} | head -c ${bytes}`]);
    const id = run.stdout.trim();
    assert.equal((await daemon.docker(["wait", id])).stdout.trim(), "0");
    const files = readdirSync(join(daemon.root, "containers", id)).filter((f) =>
      f.startsWith("container.log"),
    );
    assert.ok(files.length >= 2, `rotated: ${files.join(" ")}`);
    const logs = await daemon.docker(["logs", id], { timeoutMs: 120_000 });
    assert.equal(logs.stdoutBytes.length, bytes);
    await daemon.docker(["rm", id]);
  });

  it("restart policies: on-failure with a limit, always until stopped", async () => {
    const failing = (
      await daemon.docker(["run", "-d", "--restart", "on-failure:2", "busybox", "sh", "-c", "exit 3"])
    ).stdout.trim();
    const inspect = async (id: string, f: string): Promise<string> =>
      (await daemon.docker(["inspect", "-f", f, id])).stdout.trim();
    const deadline = Date.now() + 20_000;
    while ((await inspect(failing, "{{.RestartCount}} {{.State.Status}}")) !== "2 exited") {
      assert.ok(
        Date.now() < deadline,
        `on-failure:2 never settled: ${await inspect(failing, "{{.RestartCount}} {{.State.Status}}")}`,
      );
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.equal(await inspect(failing, "{{.State.ExitCode}}"), "3");

    const looping = (
      await daemon.docker(["run", "-d", "--restart", "always", "busybox", "sh", "-c", "sleep 0.1"])
    ).stdout.trim();
    while (Number(await inspect(looping, "{{.RestartCount}}")) < 2) {
      assert.ok(Date.now() < deadline + 20_000, "always never restarted");
      await new Promise((r) => setTimeout(r, 50));
    }
    const stop = await daemon.docker(["stop", "-t", "1", looping]);
    assert.equal(stop.code, 0, stop.stderr);
    const stopped = await inspect(looping, "{{.RestartCount}}");
    await new Promise((r) => setTimeout(r, 500)); // a restart would be due within the back-off
    assert.equal(await inspect(looping, "{{.State.Running}} {{.RestartCount}}"), `false ${stopped}`);
    await daemon.docker(["rm", "-f", failing, looping]);
  });

  it("mounts host paths and named volumes; a new volume is filled from the image", async () => {
    const host = join(daemon.dir, "shared");
    const bind = await daemon.docker([
      "run",
      "--rm",
      "-v",
      `${host}:/h`,
      "busybox",
      "sh",
      "-c",
      "echo hi > /h/f",
    ]);
    assert.equal(bind.code, 0, bind.stderr);
    assert.equal(
      readFileSync(join(host, "f"), "utf8"),
      "hi\n",
      "created the missing host dir and wrote through",
    );
    const ro = await daemon.docker(["run", "--rm", "-v", `${host}:/h:ro`, "busybox", "touch", "/h/g"]);
    assert.notEqual(ro.code, 0);
    assert.match(ro.stderr, /Read-only file system/);

    const first = await daemon.docker([
      "run",
      "--rm",
      "-v",
      "vol1:/etc",
      "busybox",
      "sh",
      "-c",
      "echo kept > /etc/added",
    ]);
    assert.equal(first.code, 0, first.stderr);
    const second = await daemon.docker([
      "run",
      "--rm",
      "-v",
      "vol1:/data",
      "busybox",
      "cat",
      "/data/added",
      "/data/passwd",
    ]);
    assert.equal(second.code, 0, second.stderr);
    assert.match(second.stdout, /^kept\nroot:/, "data persisted, image content copied up");
    const created = (await daemon.docker(["create", "-v", "vol1:/data:ro", "busybox", "true"])).stdout.trim();
    const inspect = await daemon.request("GET", `/containers/${created}/json`);
    validateResponse("get", "/containers/{id}/json", 200, inspect.json());
    const [mount] = inspect.json<{
      Mounts: { Type: string; Name: string; Destination: string; RW: boolean }[];
    }>().Mounts;
    assert.deepEqual(
      [mount?.Type, mount?.Name, mount?.Destination, mount?.RW],
      ["volume", "vol1", "/data", false],
    );
    await daemon.docker(["rm", created]);
    const bad = await daemon.docker(["run", "--rm", "-v", "vol1:relative", "busybox", "true"]);
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /invalid volume specification/);
    assert.equal((await daemon.docker(["volume", "rm", "vol1"])).code, 0);
  });

  it("pauses, unpauses and lists processes with top", async () => {
    const id = (await daemon.docker(["run", "-d", "busybox", "sleep", "1000"])).stdout.trim();
    assert.equal((await daemon.docker(["pause", id])).code, 0);
    assert.match((await daemon.docker(["ps", "--format", "{{.Status}}"])).stdout, /\(Paused\)/);
    const top = await daemon.request("GET", `/containers/${id}/top`);
    validateResponse("get", "/containers/{id}/top", 200, top.json());
    assert.ok(top.json<{ Processes: string[][] }>().Processes.some((p) => p.at(-1) === "sleep 1000"));
    assert.equal((await daemon.docker(["unpause", id])).code, 0);
    const cli = await daemon.docker(["top", id, "-o", "pid,args"]);
    assert.match(cli.stdout, /^PID\s+COMMAND\n\d+\s+sleep 1000\n$/);
    assert.equal((await daemon.docker(["rm", "-f", id])).code, 0);
  });

  it("reports Docker's events, with since/until and filters", async () => {
    const since = Math.floor(Date.now() / 1000) - 1;
    const run = await daemon.docker(["run", "--rm", "--name", "evented", "busybox", "sh", "-c", "exit 2"]);
    assert.equal(run.code, 2);
    const until = Math.floor(Date.now() / 1000) + 1;
    const events = await daemon.docker([
      "events",
      "--since",
      String(since),
      "--until",
      String(until),
      "--filter",
      "container=evented",
      "--format",
      "{{.Type}} {{.Action}} {{.Actor.Attributes.exitCode}}",
    ]);
    assert.equal(events.code, 0, events.stderr);
    // `docker run` attaches before it starts, and dockerd records that as an "attach" event.
    assert.deepEqual(events.stdout.trim().split("\n"), [
      "container create <no value>",
      "container attach <no value>",
      "container start <no value>",
      "container die 2",
      "container destroy <no value>",
    ]);
    const raw = await daemon.request(
      "GET",
      `/events?since=${since}&until=${until}&filters=${encodeURIComponent('{"event":["die"]}')}`,
    );
    const lines = raw.text().trim().split("\n");
    assert.ok(lines.length >= 1);
    for (const line of lines) validateResponse("get", "/events", 200, JSON.parse(line));
  });

  it("applies the memory limit in the cgroup", async () => {
    const run = await daemon.docker([
      "run",
      "--rm",
      "-m",
      "32m",
      "busybox",
      "cat",
      "/sys/fs/cgroup/memory/memory.limit_in_bytes",
    ]);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout.trim(), String(32 * 1024 * 1024));
  });

  it("keeps running containers across a daemon kill -9 and records exits that happen meanwhile", async () => {
    const keep = (
      await daemon.docker(["run", "-d", "--name", "keeper", "busybox", "sh", "-c", TERMINABLE])
    ).stdout.trim();
    const quitter = (
      await daemon.docker(["run", "-d", "--name", "quitter", "busybox", "sh", "-c", "sleep 1; exit 5"])
    ).stdout.trim();
    assert.ok(keep && quitter);
    await daemon.kill9();
    // conmon records the quitter's exit while no daemon runs.
    await until("the exit file", () => existsSync(join(daemon.execRoot, "exits", quitter)));
    await daemon.restart();
    const ps = await daemon.docker(["ps", "--format", "{{.Names}}"]);
    assert.match(ps.stdout, /keeper/);
    const quit = await daemon.docker(["inspect", "-f", "{{.State.Running}} {{.State.ExitCode}}", "quitter"]);
    assert.equal(quit.stdout.trim(), "false 5");
    const stop = await daemon.docker(["stop", "-t", "5", "keeper"]);
    assert.equal(stop.code, 0, stop.stderr);
    assert.equal((await daemon.docker(["wait", "keeper"])).stdout.trim(), "0");
    await daemon.docker(["rm", "keeper", "quitter"]);
    assert.equal(conmonsOf(daemon), 0, "no conmon left");
  });
});

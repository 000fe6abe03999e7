// Healthchecks through the real docker CLI: --health-* flags, status transitions in inspect and
// ps (and its health filter), Docker's health_status events, probe timeouts, --no-healthcheck,
// stopping on exit and resuming after a daemon kill -9.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { useBusyboxDaemon } from "../helpers/use-busybox-daemon.ts";

interface HealthJson {
  Status: string;
  FailingStreak: number;
  Log: { Start: string; End: string; ExitCode: number; Output: string }[];
}

const FAST = ["--health-interval", "100ms", "--health-timeout", "5s"];

describe("healthchecks", () => {
  const daemon = useBusyboxDaemon();

  async function health(name: string): Promise<HealthJson | null> {
    const out = await daemon.docker(["inspect", "--format", "{{json .State.Health}}", name]);
    assert.equal(out.code, 0, out.stderr);
    return JSON.parse(out.stdout) as HealthJson | null;
  }

  async function waitHealth(name: string, status: string, ms = 15_000): Promise<HealthJson> {
    const deadline = Date.now() + ms;
    for (;;) {
      const h = await health(name);
      if (h?.Status === status) return h;
      if (Date.now() > deadline) throw new Error(`${name} never became ${status}: ${JSON.stringify(h)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  async function run(name: string, ...args: string[]): Promise<void> {
    const out = await daemon.docker(["run", "-d", "--name", name, ...args]);
    assert.equal(out.code, 0, out.stderr);
  }

  it("a passing probe turns starting into healthy, visible in inspect, ps, filters and events", async () => {
    const since = Math.floor(Date.now() / 1000) - 1;
    await run(
      "good",
      "--health-cmd",
      "echo probe-out; id -u",
      ...FAST,
      "--user",
      "1000",
      "busybox",
      "sleep",
      "1000",
    );
    const first = await health("good");
    assert.equal(first?.Status, "starting");
    const h = await waitHealth("good", "healthy");
    assert.equal(h.FailingStreak, 0);
    const last = h.Log.at(-1);
    assert.equal(last?.ExitCode, 0);
    assert.equal(last?.Output, "probe-out\n1000\n"); // runs as the container's user
    assert.ok(Date.parse(last.End) >= Date.parse(last.Start));
    const ps = await daemon.docker(["ps", "--filter", "name=good", "--format", "{{.Status}}"]);
    assert.match(ps.stdout.trim(), /^Up .* \(healthy\)$/);
    const filtered = await daemon.docker(["ps", "--filter", "health=healthy", "--format", "{{.Names}}"]);
    assert.deepEqual(filtered.stdout.trim().split("\n"), ["good"]);
    const none = await daemon.docker(["ps", "--filter", "health=unhealthy", "--format", "{{.Names}}"]);
    assert.equal(none.stdout.trim(), "");
    const events = await daemon.docker([
      "events",
      "--since",
      String(since),
      "--until",
      String(Math.ceil(Date.now() / 1000) + 1),
      "--filter",
      "container=good",
      "--format",
      "{{.Action}}",
    ]);
    assert.ok(events.stdout.split("\n").includes("health_status: healthy"), events.stdout);
    // Five log entries at most.
    const deadline = Date.now() + 10_000;
    while ((await health("good"))!.Log.length < 5 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 100));
    await new Promise((r) => setTimeout(r, 300));
    assert.equal((await health("good"))?.Log.length, 5);
  });

  it("failing probes count up to the retries, then unhealthy; exit stops probing", async () => {
    await run(
      "bad",
      "--health-cmd",
      "echo nope; exit 3",
      ...FAST,
      "--health-retries",
      "2",
      "busybox",
      "sleep",
      "1000",
    );
    const h = await waitHealth("bad", "unhealthy");
    assert.ok(h.FailingStreak >= 2);
    assert.equal(h.Log.at(-1)?.ExitCode, 3);
    assert.equal(h.Log.at(-1)?.Output, "nope\n");
    const ps = await daemon.docker([
      "ps",
      "--filter",
      "health=unhealthy",
      "--format",
      "{{.Names}} {{.Status}}",
    ]);
    assert.match(ps.stdout.trim(), /^bad Up .* \(unhealthy\)$/);

    assert.equal((await daemon.docker(["stop", "-t", "0", "bad"])).code, 0);
    const stopped = await health("bad");
    await new Promise((r) => setTimeout(r, 400));
    assert.deepEqual(await health("bad"), stopped, "probes ran after the container stopped");
  });

  it("a probe over its timeout is killed and reported as Docker does", async () => {
    await run(
      "slow",
      "--health-cmd",
      "sleep 30",
      "--health-interval",
      "100ms",
      "--health-timeout",
      "300ms",
      "--health-retries",
      "1",
      "busybox",
      "sleep",
      "1000",
    );
    const h = await waitHealth("slow", "unhealthy");
    assert.equal(h.Log[0]?.ExitCode, -1);
    assert.equal(h.Log[0]?.Output, "Health check exceeded timeout (300ms)");
    // The killed probe is gone from the container: only PID 1's sleep (and maybe a fresh probe).
    const top = await daemon.docker(["top", "slow", "-o", "pid,args"]);
    const sleeps30 = top.stdout.split("\n").filter((l) => l.includes("sleep 30")).length;
    assert.ok(sleeps30 <= 1, top.stdout);
  });

  it("CMD form, a healthcheck from the config, and --no-healthcheck", async () => {
    await run("cmdform", "--health-cmd", "true", ...FAST, "busybox", "sleep", "1000");
    await waitHealth("cmdform", "healthy");
    const created = await daemon.request("POST", "/containers/create?name=execform", {
      Image: "busybox",
      Cmd: ["sleep", "1000"],
      Healthcheck: { Test: ["CMD", "/bin/false"], Interval: 100_000_000, Retries: 1 },
    });
    assert.equal(created.status, 201);
    assert.equal((await daemon.docker(["start", "execform"])).code, 0);
    assert.equal((await waitHealth("execform", "unhealthy")).Log.at(-1)?.ExitCode, 1);

    await run("nocheck", "--no-healthcheck", "busybox", "sleep", "1000");
    assert.equal(await health("nocheck"), null);
    const ps = await daemon.docker(["ps", "--filter", "health=none", "--format", "{{.Names}}"]);
    assert.ok(ps.stdout.split("\n").includes("nocheck"));

    const bad = await daemon.request("POST", "/containers/create", {
      Image: "busybox",
      Cmd: ["true"],
      Healthcheck: { Test: ["CMD", "true"], Interval: 10 },
    });
    assert.equal(bad.status, 400);
    assert.match(String(bad.body), /Interval in Healthcheck cannot be less than 1ms/);
  });

  it("pause stops probing (reads unhealthy, as moby), unpause resumes it", async () => {
    await run("napper", "--health-cmd", "true", ...FAST, "busybox", "sleep", "1000");
    await waitHealth("napper", "healthy");
    assert.equal((await daemon.docker(["pause", "napper"])).code, 0);
    const paused = await health("napper");
    assert.equal(paused?.Status, "unhealthy");
    await new Promise((r) => setTimeout(r, 400));
    assert.deepEqual(await health("napper"), paused, "probed while paused");
    assert.equal((await daemon.docker(["unpause", "napper"])).code, 0);
    await waitHealth("napper", "healthy");
  });

  it("berth run takes the same health, --mount, --log-driver and --device flags", async () => {
    const run = await daemon.berth([
      "run",
      "-d",
      "--name",
      "berthhc",
      "--health-cmd",
      "true",
      "--health-interval",
      "100ms",
      "--mount",
      "type=tmpfs,dst=/t,tmpfs-size=1m",
      "--log-driver",
      "local",
      "--log-opt",
      "max-size=1m",
      "--device",
      "/dev/fuse:/dev/f:r",
      "busybox",
      "sleep",
      "1000",
    ]);
    assert.equal(run.code, 0, run.stderr);
    await waitHealth("berthhc", "healthy");
    const fmt =
      "{{.HostConfig.LogConfig.Type}} {{(index .Mounts 0).Type}} {{(index .HostConfig.Devices 0).PathInContainer}}";
    const cfg = await daemon.docker(["inspect", "--format", fmt, "berthhc"]);
    assert.equal(cfg.stdout.trim(), "local tmpfs /dev/f");
    const off = await daemon.berth(["create", "--no-healthcheck", "--health-cmd", "true", "busybox"]);
    assert.equal(off.code, 125);
    assert.match(off.stderr, /--no-healthcheck conflicts with --health-\* options/);
  });

  it("probing resumes for containers re-adopted after a daemon kill -9", async () => {
    await run("survivor", "--health-cmd", "true", ...FAST, "busybox", "sleep", "1000");
    await waitHealth("survivor", "healthy");
    await daemon.kill9();
    await daemon.restart();
    const before = (await health("survivor"))!.Log.at(-1)!.End;
    const deadline = Date.now() + 10_000;
    for (;;) {
      const h = (await health("survivor"))!;
      if (h.Status === "healthy" && h.Log.at(-1)!.End !== before) break;
      if (Date.now() > deadline) throw new Error("no probe after the restart");
      await new Promise((r) => setTimeout(r, 50));
    }
  });
});

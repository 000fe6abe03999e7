// berth network, port and events against a real daemon, each output compared with what the
// real docker CLI prints for the same daemon and the same objects.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { randomBytes, randomInt } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { removeAllContainers, startBusyboxDaemon } from "../helpers/busybox.ts";
import { BERTH, type RunResult, type TestDaemon } from "../helpers/daemon.ts";
import { removeTestNetwork } from "../helpers/network-cleanup.ts";

/** Both CLIs' whole result for the same arguments must be equal. */
async function same(daemon: TestDaemon, args: string[]): Promise<RunResult> {
  const berth = await daemon.berth(args);
  const docker = await daemon.docker(args);
  const shown = (r: RunResult): unknown => ({ code: r.code, stdout: r.stdout, stderr: r.stderr });
  assert.deepEqual(shown(berth), shown(docker), args.join(" "));
  return berth;
}

describe("berth network, port, events", () => {
  let daemon: TestDaemon;
  const bridges = [`bn${randomBytes(4).toString("hex")}`, `bn${randomBytes(4).toString("hex")}`];
  const prefix = `10.${randomInt(200, 250)}.${randomInt(0, 256)}`;
  const start = Math.floor(Date.now() / 1000) - 1;

  before(async () => {
    daemon = await startBusyboxDaemon();
  });
  after(async () => {
    await removeAllContainers(daemon);
    for (const n of ["appnet", "spare"]) await daemon.docker(["network", "rm", n]);
    await daemon.cleanup();
    for (const b of bridges) await removeTestNetwork(b);
  });

  it("creates networks that ls and inspect show as docker shows them", async () => {
    const create = await daemon.berth([
      "network",
      "create",
      "--subnet",
      `${prefix}.0/24`,
      "--gateway",
      `${prefix}.254`,
      "--ip-range",
      `${prefix}.128/25`,
      "--label",
      "tier=test",
      "-o",
      `com.docker.network.bridge.name=${bridges[0] ?? ""}`,
      "appnet",
    ]);
    assert.equal(create.code, 0, create.stderr);
    assert.match(create.stdout, /^[0-9a-f]{64}\n$/);
    const spare = await daemon.berth([
      "network",
      "create",
      "-o",
      `com.docker.network.bridge.name=${bridges[1] ?? ""}`,
      "spare",
    ]);
    assert.equal(spare.code, 0, spare.stderr);
    const ls = await same(daemon, ["network", "ls"]);
    assert.match(ls.stdout, /^NETWORK ID +NAME +DRIVER +SCOPE\n[0-9a-f]{12} +appnet +bridge +local\n/);
    await same(daemon, ["network", "ls", "--no-trunc", "--format", "json"]);
    const q = await same(daemon, ["network", "ls", "-q", "--filter", "label=tier=test"]);
    assert.equal(q.stdout, `${create.stdout.slice(0, 12)}\n`);
    await same(daemon, [
      "network",
      "ls",
      "--format",
      "table {{.Name}}\t{{.Labels}}\t{{.Internal}}\t{{.CreatedAt}}",
    ]);
    await same(daemon, ["network", "inspect", "appnet", "bridge"]);
    await same(daemon, ["network", "inspect", "--format", "{{json .IPAM.Config}}", "appnet"]);
    await same(daemon, ["network", "inspect", "appnet", "nosuch"]);
  });

  it("refuses bad input with docker's words", async () => {
    await same(daemon, [
      "network",
      "create",
      "--subnet",
      `${prefix}.0/24`,
      "--subnet",
      `${prefix}.0/25`,
      "x",
    ]);
    await same(daemon, ["network", "create", "--gateway", `${prefix}.1`, "x"]);
    await same(daemon, ["network", "create", "--subnet", `${prefix}.0/24`, "--ip-range", "10.1.0.0/25", "x"]);
    await same(daemon, ["network", "create", "appnet"]);
    await same(daemon, ["network", "rm", "nosuch"]);
    await same(daemon, ["network", "rm", "-f", "nosuch"]);
    await same(daemon, ["network", "connect", "appnet", "nosuch"]);
    await same(daemon, ["network", "disconnect", "appnet", "nosuch"]);
  });

  it("connects and disconnects a container, and lists its ports", async () => {
    const run = await daemon.berth([
      "run",
      "-d",
      "--name",
      "web",
      "-p",
      "127.0.0.1::80",
      "-p",
      "127.0.0.1::53/udp",
      "busybox",
      "sleep",
      "600",
    ]);
    assert.equal(run.code, 0, run.stderr);
    const connect = await daemon.berth([
      "network",
      "connect",
      "--ip",
      `${prefix}.200`,
      "--alias",
      "www",
      "appnet",
      "web",
    ]);
    assert.equal(connect.code, 0, connect.stderr);
    assert.equal(connect.stdout, "");
    const seen = await daemon.docker([
      "inspect",
      "--format",
      "{{.NetworkSettings.Networks.appnet.IPAddress}} {{json .NetworkSettings.Networks.appnet.Aliases}}",
      "web",
    ]);
    // The alias is there (docker ≥ 25 lists only user aliases; older berth also the name and ID).
    assert.match(seen.stdout, new RegExp(`^${prefix.replaceAll(".", "\\.")}\\.200 \\[.*"www".*\\]\\n$`));
    await same(daemon, ["network", "inspect", "--format", "{{len .Containers}}", "appnet"]);
    const rmBusy = await same(daemon, ["network", "rm", "appnet"]);
    assert.equal(rmBusy.code, 1);
    const disconnect = await daemon.berth(["network", "disconnect", "appnet", "web"]);
    assert.equal(disconnect.code, 0, disconnect.stderr);
    assert.equal(
      (await daemon.docker(["network", "inspect", "--format", "{{len .Containers}}", "appnet"])).stdout,
      "0\n",
    );

    const ports = await same(daemon, ["port", "web"]);
    assert.match(ports.stdout, /^53\/udp -> 127\.0\.0\.1:\d+\n80\/tcp -> 127\.0\.0\.1:\d+\n$/);
    await same(daemon, ["container", "port", "web", "80"]);
    await same(daemon, ["port", "web", "53/udp"]);
    await same(daemon, ["port", "web", "81"]);
    await same(daemon, ["port", "web", "http"]);
    await same(daemon, ["port", "nosuch"]);
    const ps = await same(daemon, ["ps", "--format", "table {{.Names}}\t{{.Ports}}"]);
    assert.match(ps.stdout, /web +127\.0\.0\.1:\d+->53\/udp, 127\.0\.0\.1:\d+->80\/tcp\n/);
  });

  it("removes and prunes networks", async () => {
    const rm = await daemon.berth(["network", "rm", "spare"]);
    assert.deepEqual([rm.code, rm.stdout], [0, "spare\n"]);
    const prune = await daemon.berth(["network", "prune", "-f"]);
    assert.equal(prune.code, 0, prune.stderr);
    assert.equal(prune.stdout, "Deleted Networks:\nappnet\n\n");
    await same(daemon, ["network", "prune", "-f"]);
    await same(daemon, ["network", "ls"]);
  });

  it("prints past events as docker does, and streams new ones", async () => {
    const until = String(Math.floor(Date.now() / 1000) + 1);
    for (const extra of [
      [],
      ["--format", "json"],
      ["--filter", "event=start"],
      ["--format", "{{.Type}} {{.Action}} {{.Actor.Attributes.name}}"],
    ]) {
      const r = await same(daemon, ["events", "--since", String(start), "--until", until, ...extra]);
      assert.notEqual(r.stdout, "");
    }
    const all = await daemon.berth(["events", "--since", String(start), "--until", until]);
    assert.match(
      all.stdout,
      /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z container create [0-9a-f]{64} \(image=busybox, name=web\)$/m,
    );

    // Streaming: a new container's create event arrives while `berth events` runs.
    const child = spawn(
      BERTH,
      ["events", "--filter", "event=create", "--format", "{{.Actor.Attributes.name}}"],
      {
        env: { ...process.env, DOCKER_HOST: daemon.host },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    try {
      let out = "";
      const got = new Promise<void>((resolve, reject) => {
        child.stdout.on("data", (d: Buffer) => {
          out += d.toString("utf8");
          if (/^late\d*$/m.test(out)) resolve();
        });
        child.once("exit", (code) => reject(new Error(`berth events exited (${code ?? "signal"}): ${out}`)));
      });
      // The subscription is in place once the daemon answered; a create before that could be missed,
      // so keep creating (with distinct names) until one is seen, within a deadline.
      const deadline = Date.now() + 20_000;
      let n = 0;
      let seen = false;
      void got.then(() => (seen = true));
      while (!seen && Date.now() < deadline) {
        await daemon.berth(["create", "--name", n === 0 ? "late" : `late${n}`, "busybox", "true"]);
        n++;
        await Promise.race([got, new Promise((r) => setTimeout(r, 500))]);
      }
      assert.ok(seen, "berth events never printed a create event");
    } finally {
      child.kill("SIGINT");
    }
  });
});

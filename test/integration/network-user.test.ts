// User-defined bridge networks through the real docker CLI: create (subnet, gateway, label,
// bridge name), ls/inspect, a container reaching another by name and alias through the
// embedded DNS, static --ip, isolation from the default bridge, connect/disconnect, bad input
// with Docker's messages, rm/prune, and a network that survives a daemon restart.
import assert from "node:assert/strict";
import { randomBytes, randomInt } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { removeAllContainers, startBusyboxDaemon } from "../helpers/busybox.ts";
import { type TestDaemon } from "../helpers/daemon.ts";
import { removeTestNetwork } from "../helpers/network-cleanup.ts";

describe("user-defined networks", () => {
  let daemon: TestDaemon;
  const bridge = `bu${randomBytes(4).toString("hex")}`;
  const prefix = `10.${randomInt(200, 250)}.${randomInt(0, 256)}`;
  const subnet = `${prefix}.0/24`;

  before(async () => {
    daemon = await startBusyboxDaemon();
  });
  after(async () => {
    await removeAllContainers(daemon);
    await daemon.docker(["network", "rm", "appnet"]);
    await daemon.cleanup();
    await removeTestNetwork(bridge);
  });

  it("creates a network that ls, filters and inspect show", async () => {
    const create = await daemon.docker([
      "network",
      "create",
      "--subnet",
      subnet,
      "--gateway",
      `${prefix}.254`,
      "--ip-range",
      `${prefix}.128/25`,
      "--label",
      "tier=test",
      "-o",
      `com.docker.network.bridge.name=${bridge}`,
      "appnet",
    ]);
    assert.equal(create.code, 0, create.stderr);
    const ls = await daemon.docker(["network", "ls", "--format", "{{.Name}} {{.Driver}}"]);
    assert.deepEqual(ls.stdout.trim().split("\n").sort(), [
      "appnet bridge",
      "bridge bridge",
      "host host",
      "none null",
    ]);
    const custom = await daemon.docker([
      "network",
      "ls",
      "-q",
      "--filter",
      "type=custom",
      "--filter",
      "label=tier=test",
    ]);
    assert.equal(custom.stdout.trim(), create.stdout.trim().slice(0, 12));
    const cfg = await daemon.docker([
      "network",
      "inspect",
      "appnet",
      "--format",
      "{{json .IPAM.Config}} {{.Labels.tier}}",
    ]);
    assert.equal(
      cfg.stdout.trim(),
      `[{"Subnet":"${subnet}","IPRange":"${prefix}.128/25","Gateway":"${prefix}.254"}] test`,
    );
  });

  it("refuses bad input with Docker's messages", async () => {
    const dup = await daemon.docker(["network", "create", "appnet"]);
    assert.match(dup.stderr, /network with name appnet already exists/);
    const overlap = await daemon.docker(["network", "create", "--subnet", `${prefix}.0/25`, "other"]);
    assert.match(overlap.stderr, /Pool overlaps with other one on this address space/);
    const bad = await daemon.docker(["network", "create", "--subnet", "10.300.0.0/24", "bad"]);
    assert.match(bad.stderr, /invalid CIDR address: 10\.300\.0\.0\/24/);
    const rmBridge = await daemon.docker(["network", "rm", "bridge"]);
    assert.match(rmBridge.stderr, /bridge is a pre-defined network and cannot be removed/);
    // (Through the API: the CLI answers a 404 from create by pulling the image first.)
    const missing = await daemon.request("POST", "/containers/create", {
      Image: "busybox",
      Cmd: ["true"],
      HostConfig: { NetworkMode: "nonet" },
    });
    assert.equal(missing.status, 404);
    assert.match(missing.text(), /network nonet not found/);
  });

  it("resolves containers by name and alias, with a static IP, and isolates the default bridge", async () => {
    const srv = await daemon.docker([
      "run",
      "-d",
      "--name",
      "srv",
      "--network",
      "appnet",
      "--ip",
      `${prefix}.10`,
      "--network-alias",
      "web",
      "busybox",
      "httpd",
      "-f",
      "-p",
      "80",
      "-h",
      "/etc",
    ]);
    assert.equal(srv.code, 0, srv.stderr);
    const client = await daemon.docker([
      "run",
      "--rm",
      "--network",
      "appnet",
      "busybox",
      "sh",
      "-c",
      "cat /etc/resolv.conf; nslookup srv; wget -qO- http://web/hostname",
    ]);
    assert.equal(client.code, 0, client.stderr);
    assert.match(client.stdout, new RegExp(`nameserver ${prefix}\\.254`));
    assert.match(client.stdout, new RegExp(`Address: ${prefix}\\.10\\b`));
    assert.match(client.stdout, new RegExp(`^${srv.stdout.trim().slice(0, 12)}$`, "m"));
    const members = await daemon.docker([
      "network",
      "inspect",
      "appnet",
      "--format",
      "{{range .Containers}}{{.Name}} {{.IPv4Address}}{{end}}",
    ]);
    assert.equal(members.stdout.trim(), `srv ${prefix}.10/24`);
    // From the default bridge the network is not reachable.
    const isolated = await daemon.docker([
      "run",
      "--rm",
      "busybox",
      "wget",
      "-T",
      "2",
      "-qO-",
      `http://${prefix}.10/hostname`,
    ]);
    assert.notEqual(isolated.code, 0);
    // (-d, not --rm: the CLI waits forever for the removal of a --rm container whose start failed.)
    const taken = await daemon.docker([
      "run",
      "-d",
      "--name",
      "taken",
      "--network",
      "appnet",
      "--ip",
      `${prefix}.10`,
      "busybox",
      "true",
    ]);
    assert.match(taken.stderr, /Address already in use/);
  });

  it("connects and disconnects a running container", async () => {
    const c = await daemon.docker(["run", "-d", "--name", "late", "busybox", "sleep", "300"]);
    assert.equal(c.code, 0, c.stderr);
    assert.equal(
      (await daemon.docker(["network", "connect", "--alias", "latecomer", "appnet", "late"])).code,
      0,
    );
    const twice = await daemon.docker(["network", "connect", "appnet", "late"]);
    assert.match(twice.stderr, /endpoint with name late already exists in network appnet/);
    const seen = await daemon.docker([
      "run",
      "--rm",
      "--network",
      "appnet",
      "busybox",
      "nslookup",
      "latecomer",
    ]);
    assert.match(seen.stdout, new RegExp(`Address: ${prefix}\\.1[2-9][0-9]`), seen.stdout + seen.stderr);
    const shared = await daemon.docker([
      "run",
      "--rm",
      "--network",
      "container:late",
      "busybox",
      "ip",
      "-o",
      "-4",
      "addr",
    ]);
    assert.equal(shared.stdout.split("\n").filter((l) => l.includes("inet")).length, 3, shared.stdout);
    assert.equal((await daemon.docker(["network", "disconnect", "appnet", "late"])).code, 0);
    const gone = await daemon.docker([
      "run",
      "--rm",
      "--network",
      "appnet",
      "busybox",
      "nslookup",
      "latecomer",
    ]);
    assert.notEqual(gone.code, 0);
  });

  it("keeps the network across a restart, refuses rm while in use, and prunes it once unused", async () => {
    await daemon.restart();
    const again = await daemon.docker(["run", "--rm", "--network", "appnet", "busybox", "nslookup", "web"]);
    assert.match(again.stdout, new RegExp(`Address: ${prefix}\\.10\\b`), again.stderr);
    const inUse = await daemon.docker(["network", "rm", "appnet"]);
    assert.match(inUse.stderr, /has active endpoints/);
    await daemon.docker(["rm", "-f", "srv", "late", "taken"]);
    const prune = await daemon.docker(["network", "prune", "-f"]);
    assert.match(prune.stdout, /appnet/);
    assert.equal((await daemon.docker(["network", "ls", "-q", "--filter", "name=appnet"])).stdout.trim(), "");
  });
});

// The default bridge through the real docker CLI: each container gets its own namespace, veth,
// address, default route, /etc/hosts and resolv.conf; containers reach each other by IP;
// published ports answer on 127.0.0.1 and on the bridge's host address; a taken port is refused
// with Docker's message; nothing (veth, netns, DNAT rule, lease) is left after rm -f, nor after a
// daemon kill -9 with a container dying meanwhile. Traffic: 127.0.0.1 and the test's own bridge.
import assert from "node:assert/strict";
import { mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { join } from "node:path";
import { before, describe, it } from "node:test";
import { type TestDaemon } from "../helpers/daemon.ts";
import { runCommand } from "../helpers/run-command.ts";
import { until } from "../helpers/leftovers.ts";
import { useBusyboxDaemon } from "../helpers/use-busybox-daemon.ts";

async function natRules(daemon: TestDaemon): Promise<string[]> {
  const out = await runCommand("iptables", ["-t", "nat", "-S", `BERTH_${daemon.network.bridge}`]);
  return out.stdout.split("\n").filter((l) => l.includes("DNAT"));
}

async function vethsOn(daemon: TestDaemon): Promise<string[]> {
  const out = await runCommand("ip", ["-o", "link", "show", "master", daemon.network.bridge]);
  return out.stdout.split("\n").filter(Boolean);
}

function netnsFiles(daemon: TestDaemon): string[] {
  try {
    return readdirSync(join(daemon.execRoot, "netns"));
  } catch {
    return [];
  }
}

async function httpGet(url: string): Promise<string> {
  // The server may still be starting inside the container: retry refused connections briefly.
  const deadline = Date.now() + 5000;
  for (;;) {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(5000) });
      return await res.text();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 25));
    }
  }
}

describe("default bridge network", () => {
  const daemon = useBusyboxDaemon();
  let www: string;
  const gateway = (): string => daemon.network.bip.split("/")[0] ?? "";

  before(async () => {
    www = join(daemon.dir, "www");
    mkdirSync(www);
    writeFileSync(join(www, "index.html"), "hello from berth\n");
  });

  async function web(name: string, ...publish: string[]): Promise<string> {
    const run = await daemon.docker([
      "run",
      "-d",
      "--name",
      name,
      "-v",
      `${www}:/www`,
      ...publish.flatMap((p) => ["-p", p]),
      "busybox",
      "httpd",
      "-f",
      "-p",
      "80",
      "-h",
      "/www",
    ]);
    assert.equal(run.code, 0, run.stderr);
    return run.stdout.trim();
  }

  it("gives a container eth0 with an address from the subnet, a default route, hosts and resolv.conf", async () => {
    const out = await daemon.docker([
      "run",
      "--rm",
      "--hostname",
      "box1",
      "busybox",
      "sh",
      "-c",
      "ip -o -4 addr show eth0; ip route; cat /etc/hosts; cat /etc/resolv.conf",
    ]);
    assert.equal(out.code, 0, out.stderr);
    const prefix = gateway().split(".").slice(0, 3).join(".");
    const ip = new RegExp(`inet (${prefix.replaceAll(".", "\\.")}\\.\\d+)/24`).exec(out.stdout)?.[1];
    assert.ok(ip, out.stdout);
    assert.match(out.stdout, new RegExp(`default via ${gateway().replaceAll(".", "\\.")} dev eth0`));
    assert.match(out.stdout, new RegExp(`${ip.replaceAll(".", "\\.")}\\tbox1`));
    assert.match(out.stdout, /nameserver /);
    assert.doesNotMatch(out.stdout, /nameserver 127\./);
  });

  it("--network none has only lo", async () => {
    const out = await daemon.docker(["run", "--rm", "--network", "none", "busybox", "ip", "-o", "link"]);
    assert.equal(out.code, 0, out.stderr);
    assert.deepEqual(
      out.stdout
        .split("\n")
        .filter(Boolean)
        .map((l) => l.split(":")[1]?.trim()),
      ["lo"],
    );
  });

  it("publishes a port on 127.0.0.1, reachable from the host, by IP from containers, and via the host address", async () => {
    const id = await web("web1", "127.0.0.1:0:80");
    const inspect = JSON.parse((await daemon.docker(["inspect", id])).stdout) as {
      NetworkSettings: {
        IPAddress: string;
        Gateway: string;
        MacAddress: string;
        IPPrefixLen: number;
        Networks: Record<string, { IPAddress: string; NetworkID: string; EndpointID: string }>;
      };
    }[];
    const ns = inspect[0]?.NetworkSettings;
    assert.ok(ns);
    assert.equal(ns.Gateway, gateway());
    assert.equal(ns.IPPrefixLen, 24);
    assert.match(ns.MacAddress, /^02:42:/);
    assert.equal(ns.Networks.bridge?.IPAddress, ns.IPAddress);
    assert.match(ns.Networks.bridge?.EndpointID ?? "", /^[0-9a-f]{64}$/);

    const port = (await daemon.docker(["port", "web1", "80/tcp"])).stdout.trim();
    assert.match(port, /^127\.0\.0\.1:\d+$/);
    assert.equal(await httpGet(`http://${port}/`), "hello from berth\n");

    const byIp = await daemon.docker(["run", "--rm", "busybox", "wget", "-qO-", `http://${ns.IPAddress}/`]);
    assert.equal(byIp.stdout, "hello from berth\n", byIp.stderr);

    const ps = await daemon.docker(["ps", "--format", "{{.Ports}}", "--filter", "name=web1"]);
    assert.match(ps.stdout, /127\.0\.0\.1:\d+->80\/tcp/);
  });

  it("reaches a published port through the bridge's host address from another container", async () => {
    await web("web2", "0:80");
    const hostPort =
      (await daemon.docker(["port", "web2", "80/tcp"])).stdout.trim().split("\n")[0]?.split(":").at(-1) ?? "";
    const out = await daemon.docker([
      "run",
      "--rm",
      "busybox",
      "wget",
      "-qO-",
      `http://${gateway()}:${hostPort}/`,
    ]);
    assert.equal(out.stdout, "hello from berth\n", out.stderr);
    assert.equal(await httpGet(`http://127.0.0.1:${hostPort}/`), "hello from berth\n");
  });

  it("berth run -p publishes a port too", async () => {
    const run = await daemon.berth([
      "run",
      "-d",
      "--name",
      "bweb",
      "-v",
      `${www}:/www`,
      "-p",
      "127.0.0.1:0:80",
      "busybox",
      "httpd",
      "-f",
      "-p",
      "80",
      "-h",
      "/www",
    ]);
    assert.equal(run.code, 0, run.stderr);
    const port = (await daemon.docker(["port", "bweb", "80/tcp"])).stdout.trim();
    assert.equal(await httpGet(`http://${port}/`), "hello from berth\n");
    await daemon.docker(["rm", "-f", "bweb"]);
  });

  it("refuses a port already in use with Docker's message and leaves nothing behind", async () => {
    const holder: Server = createServer();
    await new Promise<void>((r) => holder.listen(0, "127.0.0.1", r));
    const taken = (holder.address() as { port: number }).port;
    try {
      const before = (await vethsOn(daemon)).length;
      const run = await daemon.docker([
        "run",
        "-d",
        "--name",
        "clash",
        "-p",
        `127.0.0.1:${taken}:80`,
        "busybox",
        "true",
      ]);
      assert.notEqual(run.code, 0);
      assert.match(
        run.stderr,
        new RegExp(`Bind for 127\\.0\\.0\\.1:${taken} failed: port is already allocated`),
      );
      assert.equal((await vethsOn(daemon)).length, before);
      // A port another berth container holds.
      await web("holder", "127.0.0.1:0:80");
      const held = (await daemon.docker(["port", "holder", "80/tcp"])).stdout.trim();
      const again = await daemon.docker([
        "run",
        "-d",
        "--name",
        "clash2",
        "-p",
        `${held}:80`,
        "busybox",
        "true",
      ]);
      assert.notEqual(again.code, 0);
      assert.match(
        again.stderr,
        new RegExp(`Bind for ${held.replaceAll(".", "\\.")} failed: port is already allocated`),
      );
    } finally {
      holder.close();
      await daemon.docker(["rm", "-f", "clash", "clash2", "holder"]);
    }
  });

  it("leaves no veth, netns, rule or lease after rm -f", async () => {
    await daemon.docker(["rm", "-f", "web1", "web2"]);
    assert.deepEqual(await natRules(daemon), []);
    await until("veths gone", async () => (await vethsOn(daemon)).length === 0);
    assert.deepEqual(netnsFiles(daemon), []);
  });

  it("reconciles after kill -9: the dead container's network goes, the live one keeps its own", async () => {
    const live = await web("live", "127.0.0.1:0:80");
    const dying = await web("dying", "127.0.0.1:0:80");
    const livePort = (await daemon.docker(["port", "live", "80/tcp"])).stdout.trim();
    const dyingPid = (await daemon.docker(["inspect", "-f", "{{.State.Pid}}", dying])).stdout.trim();
    assert.equal((await natRules(daemon)).length, 2);
    await daemon.kill9();
    process.kill(Number(dyingPid), "SIGKILL");
    // Lost rules are re-applied on start too.
    await runCommand("iptables", ["-t", "nat", "-F", `BERTH_${daemon.network.bridge}`]);
    await daemon.restart();
    const rules = await natRules(daemon);
    assert.equal(rules.length, 1, rules.join("\n"));
    assert.equal(await httpGet(`http://${livePort}/`), "hello from berth\n");
    assert.deepEqual(netnsFiles(daemon), [live]);
    await until("the dead container's veth gone", async () => (await vethsOn(daemon)).length === 1);
    // Its address lease was released: the next container may take it.
    await daemon.docker(["rm", "-f", "live", "dying"]);
    assert.deepEqual(await natRules(daemon), []);
    await until("veths gone", async () => (await vethsOn(daemon)).length === 0);
    assert.deepEqual(netnsFiles(daemon), []);
  });
});

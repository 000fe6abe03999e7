// ip6tables for IPv6 networks, through the real docker CLI: IPv6 on the default bridge
// (berthd --ipv6 --fixed-cidr-v6), isolation between two --ipv6 networks, --internal without
// IPv6 egress, outbound NAT66, published ports over IPv6 ([::] bindings shown by docker port
// and inspect), and the rules' lifecycle (gone with rm -f and network rm, rebuilt by a daemon
// restarted after kill -9, foreign rules untouched).
//
// "Outside the host" is a network namespace this test makes: a veth from the host (fdXX::1)
// to it (fdXX::2), serving HTTP with busybox httpd; its CGI answers the client's address, so
// the masquerade is seen. No traffic leaves the machine.
import assert from "node:assert/strict";
import { randomBytes, randomInt } from "node:crypto";
import { mkdtemp, mkdir, readFile, rm, writeFile, chmod } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawn, type ChildProcess } from "node:child_process";
import { connect } from "node:net";
import { after, before, describe, it } from "node:test";
import { removeAllContainers, startBusyboxDaemon } from "../helpers/busybox.ts";
import { type TestDaemon } from "../helpers/daemon.ts";
import { removeTestNetwork } from "../helpers/network-cleanup.ts";
import { runChecked, runCommand } from "../helpers/run-command.ts";

const hex4 = (): string => randomInt(1, 0xffff).toString(16);
const prefix6 = (): string => `fd${randomInt(16, 255).toString(16)}:${hex4()}:${hex4()}:${hex4()}`;

describe("ip6tables for IPv6 networks", () => {
  let daemon: TestDaemon;
  const tag = randomBytes(3).toString("hex");
  const bridges = { one: `b6a${tag}`, two: `b6b${tag}`, internal: `b6c${tag}` };
  const pDefault = prefix6();
  const p1 = prefix6();
  const p2 = prefix6();
  const p3 = prefix6();
  const pOut = prefix6();
  const ns = `b6ns${tag}`;
  const vethHost = `b6v${tag}`;
  const foreignChain = `B6FOREIGN${tag}`;
  /**
   * The first FORWARD rule that is not a berth hook. Other daemons (tests running at the same
   * time) insert their own hooks at the top, so only the order of the others is ours to check.
   */
  const firstForeignForwardRule = async (): Promise<string | undefined> =>
    (await runChecked("ip6tables", ["-S", "FORWARD"])).stdout
      .split("\n")
      .filter((l) => l.startsWith("-A FORWARD") && !/ -j BERTH/.test(l))[0];
  let webDir = "";
  let httpd: ChildProcess | undefined;
  let chains = "";

  const ip6Save = async (): Promise<string> => (await runChecked("ip6tables-save", [])).stdout;
  const ours = (save: string): string[] => save.split("\n").filter((l) => l.includes(chains));
  // busybox nc, not wget: the static busybox's wget crashes on IPv6 literals in URLs.
  const request = (path: string): string => `printf 'GET ${path} HTTP/1.0\\r\\n\\r\\n'`;
  const body = (r: {
    code: number | null;
    stdout: string;
    stderr: string;
  }): { code: number | null; stdout: string; stderr: string } => ({
    ...r,
    stdout: r.stdout.includes("\r\n\r\n") ? r.stdout.slice(r.stdout.indexOf("\r\n\r\n") + 4) : "",
  });
  const get = async (
    network: string,
    addr: string,
    port: number | string,
    path: string,
  ): Promise<{ code: number | null; stdout: string; stderr: string }> =>
    body(
      await daemon.docker([
        "run",
        "--rm",
        "--network",
        network,
        "busybox",
        "sh",
        "-c",
        `${request(path)} | nc -w 3 ${addr} ${port}`,
      ]),
    );
  const getFromNs = async (
    addr: string,
    port: number | string,
    path: string,
  ): Promise<{ code: number | null; stdout: string; stderr: string }> =>
    body(
      await runCommand("ip", [
        "netns",
        "exec",
        ns,
        "sh",
        "-c",
        `${request(path)} | busybox nc -w 3 ${addr} ${port}`,
      ]),
    );
  // `docker run -d` returns before httpd listens: poll it from the host (over the bridge).
  const waitHttp = async (addr: string): Promise<void> => {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const r = await runCommand("sh", ["-c", `${request("/index.html")} | busybox nc -w 2 ${addr} 80`]);
      if (r.stdout.startsWith("HTTP/1")) return;
      if (Date.now() > deadline) throw new Error(`no HTTP server on [${addr}]:80: ${r.stderr}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  const ip6Of = async (name: string, network: string): Promise<string> =>
    (
      await daemon.docker([
        "inspect",
        name,
        "-f",
        `{{.NetworkSettings.Networks.${network}.GlobalIPv6Address}}`,
      ])
    ).stdout.trim();
  const net = (name: string, bridge: string, subnet6: string, extra: string[] = []): Promise<unknown> =>
    daemon.docker([
      "network",
      "create",
      "--ipv6",
      "--subnet",
      `${subnet6}::/64`,
      "-o",
      `com.docker.network.bridge.name=${bridge}`,
      ...extra,
      name,
    ]);

  // berthd turns IPv6 forwarding on (host-wide, as dockerd); put back what the host had.
  const forwarding = "/proc/sys/net/ipv6/conf/all/forwarding";
  let forwardingBefore = "";

  before(async () => {
    forwardingBefore = (await readFile(forwarding, "utf8")).trim();
    daemon = await startBusyboxDaemon({ args: ["--ipv6", "--fixed-cidr-v6", `${pDefault}::/64`] });
    chains = `BERTH_${daemon.network.bridge}`;
    // The "outside" namespace with an HTTP server whose CGI prints the client's address.
    webDir = await mkdtemp(join(tmpdir(), "berth-ip6-web-"));
    await mkdir(join(webDir, "cgi-bin"));
    await writeFile(
      join(webDir, "cgi-bin", "who"),
      '#!/bin/sh\nprintf "Content-Type: text/plain\\r\\n\\r\\n%s\\n" "$REMOTE_ADDR"\n',
    );
    await chmod(join(webDir, "cgi-bin", "who"), 0o755);
    await runChecked("ip", ["netns", "add", ns]);
    await runChecked("ip", ["link", "add", vethHost, "type", "veth", "peer", "name", "eth0", "netns", ns]);
    await runChecked("ip", ["addr", "add", `${pOut}::1/64`, "dev", vethHost, "nodad"]);
    await runChecked("ip", ["link", "set", vethHost, "up"]);
    await runChecked("ip", ["-n", ns, "addr", "add", `${pOut}::2/64`, "dev", "eth0", "nodad"]);
    await runChecked("ip", ["-n", ns, "link", "set", "eth0", "up"]);
    await runChecked("ip", ["-n", ns, "link", "set", "lo", "up"]);
    httpd = spawn("ip", ["netns", "exec", ns, "busybox", "httpd", "-f", "-p", "[::]:8080", "-h", webDir], {
      stdio: "ignore",
    });
    // A foreign chain jumped to first from FORWARD: berth must neither flush nor move it.
    await runChecked("ip6tables", ["-N", foreignChain]);
    await runChecked("ip6tables", ["-A", foreignChain, "-s", "2001:db8::/64", "-j", "RETURN"]);
    await runChecked("ip6tables", ["-I", "FORWARD", "1", "-j", foreignChain]);
  });

  after(async () => {
    if (daemon) {
      await removeAllContainers(daemon);
      for (const n of ["v6one", "v6two", "v6int"]) await daemon.docker(["network", "rm", n]);
      await daemon.cleanup();
    }
    for (const b of Object.values(bridges)) await removeTestNetwork(b);
    httpd?.kill("SIGKILL");
    await runCommand("ip", ["link", "del", vethHost]).catch(() => undefined);
    await runCommand("ip", ["netns", "del", ns]).catch(() => undefined);
    await runCommand("ip6tables", ["-D", "FORWARD", "-j", foreignChain]).catch(() => undefined);
    await runCommand("ip6tables", ["-F", foreignChain]).catch(() => undefined);
    await runCommand("ip6tables", ["-X", foreignChain]).catch(() => undefined);
    if (webDir) await rm(webDir, { recursive: true, force: true });
    if (forwardingBefore !== "") await writeFile(forwarding, forwardingBefore);
  });

  it("gives the default bridge IPv6 from --ipv6 --fixed-cidr-v6", async () => {
    const inspect = await daemon.docker([
      "network",
      "inspect",
      "bridge",
      "-f",
      "{{.EnableIPv6}} {{json .IPAM.Config}}",
    ]);
    assert.match(
      inspect.stdout,
      new RegExp(`^true .*"Subnet":"${pDefault}::/64","Gateway":"${pDefault}::1"`),
    );
    const run = await daemon.docker([
      "run",
      "--rm",
      "busybox",
      "sh",
      "-c",
      "ip -6 addr show dev eth0 scope global | grep -o 'inet6 [^ ]*'; ip -6 route show default | grep -o 'via [^ ]*'",
    ]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, new RegExp(`^inet6 ${pDefault}::\\d+/64\nvia ${pDefault}::1\n$`));
    const addr = await runChecked("ip", ["-o", "-6", "addr", "show", "dev", daemon.network.bridge]);
    assert.match(addr.stdout, new RegExp(`inet6 ${pDefault}::1/64 scope global`));
    // A port published by a container of the default bridge is DNATed over IPv6 too.
    const pub = await daemon.docker(["run", "-d", "--name", "def6", "-p", "80", "busybox", "sleep", "600"]);
    assert.equal(pub.code, 0, pub.stderr);
    const port = (await daemon.docker(["port", "def6", "80"])).stdout;
    const hostPort = /\[::\]:(\d+)/.exec(port)?.[1] ?? "none";
    const ip6 = (
      await daemon.docker([
        "inspect",
        "def6",
        "-f",
        "{{.NetworkSettings.GlobalIPv6Address}} {{.NetworkSettings.IPv6Gateway}}",
      ])
    ).stdout.trim();
    assert.match(ip6, new RegExp(`^${pDefault}::\\d+ ${pDefault}::1$`));
    assert.ok(
      ours(await ip6Save()).includes(
        `-A ${chains} -p tcp -m tcp --dport ${hostPort} -j DNAT --to-destination [${ip6.split(" ")[0]}]:80`,
      ),
      port,
    );
    assert.equal((await daemon.docker(["rm", "-f", "def6"])).code, 0);
  });

  it("connects containers of one --ipv6 network and masquerades their outbound IPv6", async () => {
    await net("v6one", bridges.one, p1);
    const web = await daemon.docker([
      "run",
      "-d",
      "--network",
      "v6one",
      "--name",
      "web6",
      "busybox",
      "sh",
      "-c",
      "echo hello-v6 > /tmp/index.html; exec httpd -f -p 80 -h /tmp",
    ]);
    assert.equal(web.code, 0, web.stderr);
    await waitHttp(`${p1}::2`);
    const same = await get("v6one", `${p1}::2`, 80, "/index.html");
    assert.equal(same.stdout, "hello-v6\n", same.stderr);
    // Outbound: the outside namespace sees the host's address, not the container's.
    const out = await get("v6one", `${pOut}::2`, 8080, "/cgi-bin/who");
    assert.equal(out.code, 0, out.stderr);
    assert.equal(out.stdout.trim(), `[${pOut}::1]`);
    assert.ok(
      ours(await ip6Save()).some(
        (l) => l === `-A ${chains}-POSTROUTING -s ${p1}::/64 ! -o ${bridges.one} -j MASQUERADE`,
      ),
    );
  });

  it("isolates two --ipv6 networks from each other", async () => {
    await net("v6two", bridges.two, p2);
    // Egress works from the second network (so a failure below is the isolation)...
    const out = await get("v6two", `${pOut}::2`, 8080, "/cgi-bin/who");
    assert.equal(out.stdout.trim(), `[${pOut}::1]`, out.stderr);
    // ...but not to the first network's container.
    const across = await get("v6two", `${p1}::2`, 80, "/index.html");
    assert.notEqual(across.code, 0);
    assert.equal(across.stdout, "");
    // Dropped by the isolation rule (its packet counter), not lost for want of a route.
    const counters = (await runChecked("ip6tables", ["-v", "-x", "-n", "-L", `${chains}-FORWARD`])).stdout;
    const isolation = counters
      .split("\n")
      .find((l) => /DROP/.test(l) && new RegExp(` ${bridges.two}\\s+${bridges.one} `).test(l));
    assert.ok(isolation && Number(isolation.trim().split(/\s+/)[0]) > 0, counters);
    const save = ours(await ip6Save());
    assert.ok(save.includes(`-A ${chains}-FORWARD -i ${bridges.two} -o ${bridges.one} -j DROP`));
    assert.ok(save.includes(`-A ${chains}-FORWARD -i ${bridges.one} -o ${bridges.two} -j DROP`));
  });

  it("keeps --internal IPv6 networks from reaching outside", async () => {
    await net("v6int", bridges.internal, p3, ["--internal"]);
    // An internal network's containers get no default route; add one (NET_ADMIN) so that what
    // stops the packets is the firewall, not the routing table. The packet counter of the internal
    // network's DROP rule shows it.
    const out = body(
      await daemon.docker([
        "run",
        "--rm",
        "--network",
        "v6int",
        "--cap-add",
        "NET_ADMIN",
        "busybox",
        "sh",
        "-c",
        `ip -6 route add default via ${p3}::1 && ${request("/cgi-bin/who")} | nc -w 2 ${pOut}::2 8080`,
      ]),
    );
    assert.notEqual(out.code, 0);
    assert.equal(out.stdout, "");
    const counters = (await runChecked("ip6tables", ["-v", "-x", "-n", "-L", `${chains}-FORWARD`])).stdout;
    const dropLine = counters
      .split("\n")
      .find(
        (l) => /DROP/.test(l) && l.includes(` ${bridges.internal} `) && l.includes(`!${bridges.internal}`),
      );
    assert.ok(dropLine && Number(dropLine.trim().split(/\s+/)[0]) > 0, counters);
    const save = ours(await ip6Save());
    assert.ok(save.includes(`-A ${chains}-FORWARD -i ${bridges.internal} ! -o ${bridges.internal} -j DROP`));
    assert.ok(!save.some((l) => l.includes(`-s ${p3}::/64 ! -o`)), "no masquerade for an internal network");
  });

  it("publishes ports over IPv6 on [::], shown by docker port and inspect", async () => {
    const pub = await daemon.docker([
      "run",
      "-d",
      "--network",
      "v6one",
      "--name",
      "pub6",
      "-p",
      "80",
      "-p",
      "5300/udp",
      "busybox",
      "sh",
      "-c",
      "echo published-v6 > /tmp/index.html; exec httpd -f -p 80 -h /tmp",
    ]);
    assert.equal(pub.code, 0, pub.stderr);
    const port = await daemon.docker(["port", "pub6", "80"]);
    const lines = port.stdout.trim().split("\n");
    assert.equal(lines.length, 2, port.stdout);
    const hostPort = /0\.0\.0\.0:(\d+)/.exec(lines[0] ?? "")?.[1] ?? "";
    assert.deepEqual(lines, [`0.0.0.0:${hostPort}`, `[::]:${hostPort}`]);
    const inspect = await daemon.docker([
      "inspect",
      "pub6",
      "-f",
      '{{json (index .NetworkSettings.Ports "80/tcp")}}',
    ]);
    assert.equal(
      inspect.stdout.trim(),
      `[{"HostIp":"0.0.0.0","HostPort":"${hostPort}"},{"HostIp":"::","HostPort":"${hostPort}"}]`,
    );
    const ip6 = await ip6Of("pub6", "v6one");
    const ps = await daemon.docker(["ps", "--filter", "name=pub6", "--format", "{{.Ports}}"]);
    assert.match(ps.stdout, new RegExp(`\\[::\\]:${hostPort}->80/tcp`));
    const udpPort =
      /\[::\]:(\d+)/.exec((await daemon.docker(["port", "pub6", "5300/udp"])).stdout)?.[1] ?? "";
    assert.ok(
      ours(await ip6Save()).includes(
        `-A ${chains} -p udp -m udp --dport ${udpPort} -j DNAT --to-destination [${ip6}]:5300`,
      ),
    );
    await waitHttp(ip6);
    assert.ok(
      ours(await ip6Save()).includes(
        `-A ${chains} -p tcp -m tcp --dport ${hostPort} -j DNAT --to-destination [${ip6}]:80`,
      ),
    );
    // From the outside namespace, to the host's IPv6 address on its link.
    const outside = await getFromNs(`${pOut}::1`, hostPort, "/index.html");
    assert.equal(outside.stdout, "published-v6\n", outside.stderr);
    // [::1] is not DNATed (the replies would be dropped): the held [::] socket closes the
    // connection at once, with no answer, instead of leaving the client hanging.
    const started = Date.now();
    const loopback = await new Promise<string>((resolve) => {
      const chunks: Buffer[] = [];
      const socket = connect({ host: "::1", port: Number(hostPort) }, () =>
        socket.write("GET / HTTP/1.0\r\n\r\n"),
      );
      socket.on("data", (c: Buffer) => chunks.push(c));
      socket.on("error", () => undefined);
      socket.on("close", () => resolve(Buffer.concat(chunks).toString()));
      socket.setTimeout(5000, () => socket.destroy());
    });
    assert.equal(loopback, "");
    assert.ok(Date.now() - started < 4000, "closed at once, not timed out");
    // From a container of another (isolated) network, through the host's address.
    const other = await get("v6two", `${pOut}::1`, hostPort, "/index.html");
    assert.equal(other.stdout, "published-v6\n", other.stderr);
  });

  it("publishes on an explicit IPv6 host address only, and refuses [::1]", async () => {
    const hostPort = randomInt(20000, 30000);
    const run = await daemon.docker([
      "run",
      "-d",
      "--network",
      "v6one",
      "--name",
      "addr6",
      "-p",
      `[${pOut}::1]:${hostPort}:80`,
      "busybox",
      "sh",
      "-c",
      "echo on-one-address > /tmp/index.html; exec httpd -f -p 80 -h /tmp",
    ]);
    assert.equal(run.code, 0, run.stderr);
    const port = await daemon.docker(["port", "addr6"]);
    assert.equal(port.stdout.trim(), `80/tcp -> [${pOut}::1]:${hostPort}`);
    const ip6 = await ip6Of("addr6", "v6one");
    assert.ok(
      ours(await ip6Save()).includes(
        `-A ${chains} -d ${pOut}::1/128 -p tcp -m tcp --dport ${hostPort} -j DNAT --to-destination [${ip6}]:80`,
      ),
    );
    assert.ok(!ours(await ip6Save()).some((l) => l.includes(`-d ${pOut}::1/32`)));
    await waitHttp(ip6);
    const outside = await getFromNs(`${pOut}::1`, hostPort, "/index.html");
    assert.equal(outside.stdout, "on-one-address\n", outside.stderr);
    // Not on IPv4 (no 0.0.0.0 binding was asked for).
    assert.ok(!(await runChecked("iptables-save", ["-t", "nat"])).stdout.includes(`--dport ${hostPort} `));

    const loop = await daemon.docker([
      "run",
      "-d",
      "--network",
      "v6one",
      "--name",
      "loop6",
      "-p",
      `[::1]:${hostPort + 1}:80`,
      "busybox",
      "sleep",
      "60",
    ]);
    assert.notEqual(loop.code, 0);
    assert.match(loop.stderr, /cannot publish on \[::1\]:\d+: IPv6 loopback needs a userland proxy/);
    assert.ok(!ours(await ip6Save()).some((l) => l.includes(`--dport ${hostPort + 1} `)));
    // berth's own CLI takes the bracketed form too.
    const viaBerth = await daemon.berth([
      "run",
      "-d",
      "--network",
      "v6one",
      "--name",
      "berth6",
      "-p",
      `[${pOut}::1]:${hostPort + 2}:80`,
      "busybox",
      "sleep",
      "60",
    ]);
    assert.equal(viaBerth.code, 0, viaBerth.stderr);
    assert.equal(
      (await daemon.docker(["port", "berth6"])).stdout.trim(),
      `80/tcp -> [${pOut}::1]:${hostPort + 2}`,
    );
    // Locally generated traffic to ::1 is not DNATed (its replies would be dropped).
    assert.ok(
      ours(await ip6Save()).includes(`-A OUTPUT ! -d ::1/128 -m addrtype --dst-type LOCAL -j ${chains}`),
    );
  });

  it("removes a container's IPv6 rules with rm -f and a network's with network rm, foreign rules untouched", async () => {
    const before = ours(await ip6Save());
    assert.ok(before.some((l) => l.includes("-j DNAT")));
    const rmf = await daemon.docker(["rm", "-f", "pub6", "addr6", "loop6", "berth6"]);
    assert.equal(rmf.code, 0, rmf.stderr);
    await daemon.request("GET", "/_ping"); // the release runs after rm returns
    const deadline = Date.now() + 5000;
    while (ours(await ip6Save()).some((l) => l.includes("-j DNAT")) && Date.now() < deadline) {
      await new Promise((r) => setImmediate(r));
    }
    assert.deepEqual(
      ours(await ip6Save()).filter((l) => l.includes("-j DNAT")),
      [],
    );
    const rmNet = await daemon.docker(["network", "rm", "v6int"]);
    assert.equal(rmNet.code, 0, rmNet.stderr);
    assert.deepEqual(
      ours(await ip6Save()).filter((l) => l.includes(bridges.internal)),
      [],
    );
    assert.equal(await firstForeignForwardRule(), `-A FORWARD -j ${foreignChain}`);
    assert.equal(
      (await runChecked("ip6tables", ["-S", foreignChain])).stdout,
      `-N ${foreignChain}\n-A ${foreignChain} -s 2001:db8::/64 -j RETURN\n`,
    );
  });

  it("rebuilds the IPv6 rules after kill -9 and a restart, dropping a dead container's", async () => {
    const keep = await daemon.docker([
      "run",
      "-d",
      "--network",
      "v6one",
      "--name",
      "keep6",
      "-p",
      "80",
      "busybox",
      "sleep",
      "600",
    ]);
    assert.equal(keep.code, 0, keep.stderr);
    const gone = await daemon.docker([
      "run",
      "-d",
      "--network",
      "v6one",
      "--name",
      "gone6",
      "-p",
      "80",
      "busybox",
      "sleep",
      "600",
    ]);
    assert.equal(gone.code, 0, gone.stderr);
    const portOf = async (name: string): Promise<string> =>
      /\[::\]:(\d+)/.exec((await daemon.docker(["port", name, "80"])).stdout)?.[1] ?? "none";
    const keepPort = await portOf("keep6");
    const gonePort = await portOf("gone6");
    const gonePid = Number((await daemon.docker(["inspect", "-f", "{{.State.Pid}}", "gone6"])).stdout.trim());
    await daemon.kill9();
    process.kill(gonePid, "SIGKILL");
    // While berthd is down, someone flushes berth's IPv6 DNAT chain.
    await runChecked("ip6tables", ["-t", "nat", "-F", chains]);
    await daemon.restart();
    const save = ours(await ip6Save());
    assert.ok(
      save.some((l) => l.includes(`--dport ${keepPort} -j DNAT`)),
      save.join("\n"),
    );
    assert.ok(!save.some((l) => l.includes(`--dport ${gonePort} -j DNAT`)), save.join("\n"));
    // Hooks exist once each, not once per start.
    const hooks = save.filter((l) => /^-A (PREROUTING|OUTPUT|POSTROUTING|FORWARD) /.test(l));
    assert.equal(hooks.length, 4, hooks.join("\n"));
    assert.equal(await firstForeignForwardRule(), `-A FORWARD -j ${foreignChain}`);
  });
});

// Dual-stack user networks (`network create --ipv6 --subnet <v4> --subnet <v6>`) through the real
// docker CLI: the bridge carries the IPv6 gateway, containers get an IPv6 address and default
// route on eth0 (in order, or `--ip6`), inspect shows EnableIPv6, the IPv6 IPAM config and
// GlobalIPv6Address/IPv6Gateway, the embedded DNS answers AAAA, traffic flows container to
// container and host to container over IPv6; bad input gets Docker's messages.
import assert from "node:assert/strict";
import { randomBytes, randomInt } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { after, before, describe, it } from "node:test";
import { removeAllContainers, startBusyboxDaemon } from "../helpers/busybox.ts";
import { type TestDaemon } from "../helpers/daemon.ts";
import { removeTestNetwork } from "../helpers/network-cleanup.ts";
import { runCommand } from "../helpers/run-command.ts";

describe("IPv6 dual-stack networks", () => {
  let daemon: TestDaemon;
  const bridge = `b6${randomBytes(4).toString("hex")}`;
  const p4 = `10.${randomInt(200, 250)}.${randomInt(0, 256)}`;
  const p6 = `fd00:${randomInt(1, 0xffff).toString(16)}:${randomInt(1, 0xffff).toString(16)}:1`;

  // berthd turns IPv6 forwarding on for --ipv6 networks (host-wide); put back what the host had.
  const forwarding = "/proc/sys/net/ipv6/conf/all/forwarding";
  const forwardingBefore = readFileSync(forwarding, "utf8").trim();

  before(async () => {
    daemon = await startBusyboxDaemon();
  });
  after(async () => {
    await removeAllContainers(daemon);
    await daemon.docker(["network", "rm", "dual"]);
    await daemon.cleanup();
    await removeTestNetwork(bridge);
    writeFileSync(forwarding, forwardingBefore);
  });

  it("creates a dual-stack network with the IPv6 gateway on its bridge", async () => {
    const create = await daemon.docker([
      "network",
      "create",
      "--ipv6",
      "--subnet",
      `${p4}.0/24`,
      "--subnet",
      `${p6}::/64`,
      "-o",
      `com.docker.network.bridge.name=${bridge}`,
      "dual",
    ]);
    assert.equal(create.code, 0, create.stderr);
    const inspect = await daemon.docker([
      "network",
      "inspect",
      "dual",
      "--format",
      "{{.EnableIPv6}} {{json .IPAM.Config}}",
    ]);
    assert.equal(
      inspect.stdout.trim(),
      `true [{"Subnet":"${p4}.0/24","Gateway":"${p4}.1"},{"Subnet":"${p6}::/64","Gateway":"${p6}::1"}]`,
    );
    const addr = await runCommand("ip", ["-o", "-6", "addr", "show", "dev", bridge]);
    assert.match(addr.stdout, new RegExp(`inet6 ${p6}::1/64 scope global`));
  });

  it("gives containers IPv6 addresses, a default route, AAAA records and reachability", async () => {
    const web = await daemon.docker([
      "run",
      "-d",
      "--network",
      "dual",
      "--name",
      "web6",
      "busybox",
      "sh",
      "-c",
      "echo over-ipv6 > /tmp/index.html; exec httpd -f -p 80 -h /tmp",
    ]);
    assert.equal(web.code, 0, web.stderr);
    const settings = await daemon.docker([
      "inspect",
      "web6",
      "--format",
      "{{with .NetworkSettings.Networks.dual}}{{.GlobalIPv6Address}} {{.GlobalIPv6PrefixLen}} {{.IPv6Gateway}} {{.IPAddress}}{{end}}",
    ]);
    assert.equal(settings.stdout.trim(), `${p6}::2 64 ${p6}::1 ${p4}.2`);
    const members = await daemon.docker([
      "network",
      "inspect",
      "dual",
      "--format",
      "{{range .Containers}}{{.IPv6Address}}{{end}}",
    ]);
    assert.equal(members.stdout.trim(), `${p6}::2/64`);

    const client = await daemon.docker([
      "run",
      "--rm",
      "--network",
      "dual",
      "--ip6",
      `${p6}::99`,
      "busybox",
      "sh",
      "-c",
      [
        "ip -6 addr show dev eth0 scope global | grep -o 'inet6 [^ ]*'",
        "ip -6 route show default | grep -o 'default via [^ ]*'",
        "nslookup -type=aaaa web6 | grep -A1 '^Name:' | grep -o 'fd[0-9a-f:]*'",
        "wget -qO- http://web6/index.html",
        "ping6 -c1 -W2 web6 >/dev/null && echo ping6-ok",
        `grep -c "^${p6}::99\\s$(hostname)$" /etc/hosts`,
      ].join("; "),
    ]);
    assert.equal(client.code, 0, client.stderr);
    assert.deepEqual(client.stdout.trim().split("\n"), [
      `inet6 ${p6}::99/64`,
      `default via ${p6}::1`,
      `${p6}::2`,
      "over-ipv6",
      "ping6-ok",
      "1",
    ]);

    const fixed = await daemon.docker([
      "run",
      "-d",
      "--network",
      "dual",
      "--ip6",
      `${p6}::77`,
      "busybox",
      "sleep",
      "60",
    ]);
    assert.equal(fixed.code, 0, fixed.stderr);
    const ipam = await daemon.docker([
      "inspect",
      "-f",
      "{{json .NetworkSettings.Networks.dual.IPAMConfig}}",
      fixed.stdout.trim(),
    ]);
    assert.equal(ipam.stdout.trim(), `{"IPv6Address":"${p6}::77"}`);

    // From the host, over the bridge's IPv6 address.
    const res = await fetch(`http://[${p6}::2]/index.html`);
    assert.equal(res.status, 200);
    assert.equal(await res.text(), "over-ipv6\n");
  });

  it("refuses bad IPv6 input with Docker's messages", async () => {
    const noFlag = await daemon.docker(["network", "create", "--subnet", "fd00:abcd::/64", "v6noflag"]);
    assert.match(noFlag.stderr, /IPv6 is not enabled/);
    const overlap = await daemon.docker([
      "network",
      "create",
      "--ipv6",
      "--subnet",
      `${p6}:8000::/65`,
      "v6overlap",
    ]);
    assert.match(overlap.stderr, /Pool overlaps with other one on this address space/);
    const invalid = await daemon.docker(["network", "create", "--ipv6", "--subnet", "fd00:zz::/64", "v6bad"]);
    assert.match(invalid.stderr, /invalid CIDR address: fd00:zz::\/64/);
    const outside = await daemon.docker([
      "run",
      "--rm",
      "--network",
      "dual",
      "--ip6",
      "fd99::5",
      "busybox",
      "true",
    ]);
    assert.notEqual(outside.code, 0);
    assert.match(outside.stderr, /no configured subnet or ip-range contain the IP address fd99::5/);
    const ls = await daemon.docker(["network", "ls", "--format", "{{.Name}}"]);
    assert.doesNotMatch(ls.stdout, /v6noflag|v6overlap|v6bad/);
  });

  it("keeps IPv6 across a daemon restart", async () => {
    await daemon.restart();
    const addr = await runCommand("ip", ["-o", "-6", "addr", "show", "dev", bridge]);
    assert.match(addr.stdout, new RegExp(`inet6 ${p6}::1/64`));
    const again = await daemon.docker([
      "run",
      "--rm",
      "--network",
      "dual",
      "busybox",
      "sh",
      "-c",
      "wget -qO- http://web6/index.html",
    ]);
    assert.equal(again.code, 0, again.stderr);
    assert.equal(again.stdout, "over-ipv6\n");
  });
});

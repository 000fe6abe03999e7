// daemon.json "default-address-pools" (dockerd's key): the default bridge (no --bip) and every
// network created without --subnet take the first free /size subnet of the pools; subnets in
// use (networks given one explicitly) are skipped, freed ones reused, exhaustion is Docker's
// error, and a bad pool stops berthd at start with the entry named.
import assert from "node:assert/strict";
import { randomBytes, randomInt } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { startDaemon, type TestDaemon } from "../helpers/daemon.ts";
import { removeTestNetwork } from "../helpers/network-cleanup.ts";
import { runCommand } from "../helpers/run-command.ts";

describe("default-address-pools", () => {
  let daemon: TestDaemon;
  const bridge = `bp${randomBytes(4).toString("hex")}`;
  const p = `10.${randomInt(200, 250)}.${randomInt(0, 256)}`;
  const p6 = `fd00:${randomInt(1, 0xffff).toString(16)}:${randomInt(1, 0xffff).toString(16)}`;
  const names = ["pa", "pb", "pc", "pd", "pe", "p6"];
  const bridges = names.map((n) => `${bridge.slice(0, 10)}${n}`);

  before(async () => {
    daemon = await startDaemon({
      args: ["--bridge", bridge],
      config: {
        "default-address-pools": [
          { base: `${p}.0/24`, size: 26 },
          { base: `${p6}::/48`, size: 64 },
        ],
      },
    });
  });
  after(async () => {
    for (const n of names) await daemon.docker(["network", "rm", n]);
    await daemon.cleanup();
    await removeTestNetwork(bridge);
    for (const b of bridges) await removeTestNetwork(b);
  });

  async function subnetOf(network: string): Promise<string> {
    const r = await daemon.docker([
      "network",
      "inspect",
      "-f",
      "{{range .IPAM.Config}}{{.Subnet}} {{.Gateway}}{{end}}",
      network,
    ]);
    assert.equal(r.code, 0, r.stderr);
    return r.stdout.trim();
  }
  async function create(name: string, ...extra: string[]): Promise<{ code: number | null; stderr: string }> {
    const bridgeName = bridges[names.indexOf(name)] ?? "";
    return daemon.docker([
      "network",
      "create",
      "-o",
      `com.docker.network.bridge.name=${bridgeName}`,
      ...extra,
      name,
    ]);
  }

  it("gives the default bridge the first subnet of the pool", async () => {
    assert.equal(await subnetOf("bridge"), `${p}.0/26 ${p}.1`);
    const link = await runCommand("ip", ["-4", "-o", "addr", "show", "dev", bridge]);
    assert.match(link.stdout, new RegExp(`inet ${p.replaceAll(".", "\\.")}\\.1/26 `));
  });

  it("gives networks without --subnet the next free ones, skipping explicit ones, reusing freed ones", async () => {
    assert.equal((await create("pa")).code, 0);
    assert.equal(await subnetOf("pa"), `${p}.64/26 ${p}.65`);
    assert.equal((await create("pb", "--subnet", `${p}.128/26`)).code, 0);
    assert.equal((await create("pc")).code, 0);
    assert.equal(await subnetOf("pc"), `${p}.192/26 ${p}.193`);

    const full = await create("pd");
    assert.notEqual(full.code, 0);
    assert.match(full.stderr, /could not find an available, non-overlapping IPv4 address pool/);
    const ls = await daemon.docker(["network", "ls", "--format", "{{.Name}}"]);
    assert.doesNotMatch(ls.stdout, /\bpd\b/);

    assert.equal((await daemon.docker(["network", "rm", "pa"])).code, 0);
    assert.equal((await create("pe")).code, 0);
    assert.equal(await subnetOf("pe"), `${p}.64/26 ${p}.65`);
  });

  it("gives --ipv6 networks without an IPv6 subnet one from the IPv6 pool", async () => {
    assert.equal((await daemon.docker(["network", "rm", "pe"])).code, 0);
    assert.equal((await create("p6", "--ipv6")).code, 0);
    const cfg = await daemon.docker(["network", "inspect", "-f", "{{json .IPAM.Config}}", "p6"]);
    assert.equal(
      cfg.stdout.trim(),
      `[{"Subnet":"${p}.64/26","Gateway":"${p}.65"},{"Subnet":"${p6}::/64","Gateway":"${p6}::1"}]`,
    );
  });

  it("keeps the subnets across a restart", async () => {
    await daemon.restart();
    assert.equal(await subnetOf("bridge"), `${p}.0/26 ${p}.1`);
    assert.equal(await subnetOf("p6"), `${p}.64/26 ${p}.65${p6}::/64 ${p6}::1`);
  });

  it("refuses to start with a bad pool, naming it", async () => {
    await assert.rejects(
      startDaemon({ config: { "default-address-pools": [{ base: "10.0.0/8", size: 24 }] } }),
      /default-address-pools.*invalid base pool "10\.0\.0\/8"/,
    );
    await assert.rejects(
      startDaemon({ config: { "default-address-pools": [{ base: "10.0.0.0/16", size: 12 }] } }),
      /invalid pool size 12 for base 10\.0\.0\.0\/16/,
    );
  });
});

// The default bridge's IPv6 settings: daemon.json "ipv6"/"fixed-cidr-v6" and the berthd flags
// --ipv6 (boolean: alone, or =true/=false) and --fixed-cidr-v6, flags winning as with dockerd.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { parseDaemonArgs } from "./daemon-options.ts";
import { loadNetworkConfig } from "./network-config.ts";

describe("default bridge IPv6 settings", () => {
  const dir = mkdtempSync(join(tmpdir(), "berth-netcfg-"));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const file = (content: unknown): string => {
    const path = join(dir, `${Math.random()}.json`);
    writeFileSync(path, JSON.stringify(content));
    return path;
  };

  it("parses --ipv6 as a boolean flag and --fixed-cidr-v6 as a value", () => {
    assert.deepEqual(parseDaemonArgs(["--ipv6", "--fixed-cidr-v6", "fd00:1::/64", "--bip", "10.0.0.1/24"]), {
      ipv6: "true",
      fixedCidrV6: "fd00:1::/64",
      bip: "10.0.0.1/24",
    });
    assert.deepEqual(parseDaemonArgs(["--ipv6=false"]), { ipv6: "false" });
    assert.throws(() => parseDaemonArgs(["--ipv6=yes"]), /invalid boolean value "yes" for --ipv6/);
  });

  it("reads daemon.json, flags win", () => {
    const path = file({ ipv6: true, "fixed-cidr-v6": "fd00:2::/64" });
    assert.deepEqual(
      { ...loadNetworkConfig(path), addressPools: undefined, addressPools6: [] },
      { addressPools: undefined, addressPools6: [], ipv6: true, fixedCidrV6: "fd00:2::/64" },
    );
    const overridden = loadNetworkConfig(path, { ipv6: "false", fixedCidrV6: "fd00:3::/64" });
    assert.equal(overridden.ipv6, false);
    assert.equal(overridden.fixedCidrV6, "fd00:3::/64");
    const off = loadNetworkConfig(file({}), { ipv6: "", fixedCidrV6: "" });
    assert.equal(off.ipv6, false);
    assert.equal(off.fixedCidrV6, undefined);
  });

  it("refuses values of the wrong type", () => {
    assert.throws(() => loadNetworkConfig(file({ ipv6: "true" })), /"ipv6" must be a boolean/);
    assert.throws(() => loadNetworkConfig(file({ "fixed-cidr-v6": 64 })), /"fixed-cidr-v6" must be a string/);
  });
});

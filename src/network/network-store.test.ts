import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { openMetadataDb } from "../metadata/index.ts";
import { NetworkStore } from "./network-store.ts";

describe("NetworkStore upgrade", () => {
  const dir = mkdtempSync(join(tmpdir(), "berth-netstore-"));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("adds the IPv6 columns to a database made before them, keeping its rows", () => {
    const db = openMetadataDb(join(dir, "old.db"));
    // The tables as the first release made them.
    db.exec(`CREATE TABLE networks (
       id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE, created TEXT NOT NULL, bridge TEXT NOT NULL UNIQUE,
       subnet TEXT NOT NULL, gateway TEXT NOT NULL, ip_range TEXT NOT NULL, internal INTEGER NOT NULL,
       builtin INTEGER NOT NULL, labels TEXT NOT NULL, options TEXT NOT NULL)`);
    db.exec(`CREATE TABLE network_endpoints (
       network_id TEXT NOT NULL REFERENCES networks(id), container_id TEXT NOT NULL, endpoint_id TEXT NOT NULL,
       ip TEXT NOT NULL, mac TEXT NOT NULL, ifname TEXT NOT NULL, host_veth TEXT NOT NULL, aliases TEXT NOT NULL,
       PRIMARY KEY (network_id, container_id), UNIQUE (network_id, ip))`);
    db.exec(`CREATE TABLE network_configs (
       container_id TEXT NOT NULL, network_id TEXT NOT NULL, ip TEXT NOT NULL, aliases TEXT NOT NULL,
       PRIMARY KEY (container_id, network_id))`);
    db.exec(
      `INSERT INTO networks VALUES ('n1', 'old', 't', 'br-old', '10.9.0.0/24', '10.9.0.1', '', 0, 0, '{}', '{}')`,
    );
    db.exec(`INSERT INTO network_endpoints VALUES ('n1', 'c1', 'e1', '10.9.0.2', 'm', 'eth0', 'v', '["a"]')`);
    db.exec(`INSERT INTO network_configs VALUES ('c1', 'n1', '', '["a"]')`);

    const store = new NetworkStore(db);
    const [net] = store.networks();
    assert.equal(net?.name, "old");
    assert.equal(net?.subnet6, "");
    assert.equal(net?.gateway6, "");
    assert.equal(store.endpointsOf("c1")[0]?.ip6, "");
    assert.equal(store.configsOf("c1")[0]?.ip6, "");

    // A second open finds the columns there and changes nothing.
    const again = new NetworkStore(db);
    store.setConfig({ containerId: "c2", networkId: "n1", ip: "", aliases: [], ip6: "fd00::9" });
    assert.equal(again.configsOf("c2")[0]?.ip6, "fd00::9");
    db.close();
  });
});

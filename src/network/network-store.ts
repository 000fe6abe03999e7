// Networks, endpoints (a container's attachment to a network: its address lease) and published
// port mappings, in the daemon's SQLite database so leases survive restarts and are reconciled.
import { type Db, ensureSchema, statementCache, type Statement } from "../metadata/index.ts";

export interface NetworkRecord {
  id: string;
  name: string;
  created: string;
  bridge: string;
  subnet: string;
  gateway: string;
  ipRange: string;
  internal: boolean;
  /** The default bridge ("bridge"), which cannot be removed. */
  builtin: boolean;
  labels: Record<string, string>;
  options: Record<string, string>;
  /** IPv6 subnet and gateway of a dual-stack network (`--ipv6`); "" when IPv4 only. */
  subnet6: string;
  gateway6: string;
}

export interface EndpointRecord {
  networkId: string;
  containerId: string;
  endpointId: string;
  ip: string;
  mac: string;
  ifname: string;
  hostVeth: string;
  aliases: string[];
  /** The IPv6 address on a dual-stack network, else "". */
  ip6: string;
}

export interface PortMapping {
  containerId: string;
  proto: "tcp" | "udp";
  containerPort: number;
  hostIp: string;
  hostPort: number;
}

const SCHEMA = [
  `CREATE TABLE IF NOT EXISTS networks (
     id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE, created TEXT NOT NULL, bridge TEXT NOT NULL UNIQUE,
     subnet TEXT NOT NULL, gateway TEXT NOT NULL, ip_range TEXT NOT NULL, internal INTEGER NOT NULL,
     builtin INTEGER NOT NULL, labels TEXT NOT NULL, options TEXT NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS network_endpoints (
     network_id TEXT NOT NULL REFERENCES networks(id), container_id TEXT NOT NULL, endpoint_id TEXT NOT NULL,
     ip TEXT NOT NULL, mac TEXT NOT NULL, ifname TEXT NOT NULL, host_veth TEXT NOT NULL, aliases TEXT NOT NULL,
     PRIMARY KEY (network_id, container_id), UNIQUE (network_id, ip))`,
  `CREATE TABLE IF NOT EXISTS network_ports (
     container_id TEXT NOT NULL, proto TEXT NOT NULL, container_port INTEGER NOT NULL,
     host_ip TEXT NOT NULL, host_port INTEGER NOT NULL, PRIMARY KEY (host_ip, host_port, proto))`,
  `CREATE TABLE IF NOT EXISTS network_configs (
     container_id TEXT NOT NULL, network_id TEXT NOT NULL, ip TEXT NOT NULL, aliases TEXT NOT NULL,
     PRIMARY KEY (container_id, network_id))`,
  // `docker ps` looks up every container's endpoints and ports: without these, each lookup scans.
  "CREATE INDEX IF NOT EXISTS network_endpoints_container ON network_endpoints(container_id)",
  "CREATE INDEX IF NOT EXISTS network_ports_container ON network_ports(container_id)",
];

/** Columns added after the first release: ALTER TABLE when an older database lacks them. */
const ADDED_COLUMNS: [table: string, column: string, sql: string][] = [
  ["networks", "subnet6", "ALTER TABLE networks ADD COLUMN subnet6 TEXT NOT NULL DEFAULT ''"],
  ["networks", "gateway6", "ALTER TABLE networks ADD COLUMN gateway6 TEXT NOT NULL DEFAULT ''"],
  ["network_endpoints", "ip6", "ALTER TABLE network_endpoints ADD COLUMN ip6 TEXT NOT NULL DEFAULT ''"],
  ["network_configs", "ip6", "ALTER TABLE network_configs ADD COLUMN ip6 TEXT NOT NULL DEFAULT ''"],
];

/** A container's wish to be on a network (create's EndpointsConfig, or connect): used at start. */
export interface NetworkConfig {
  containerId: string;
  networkId: string;
  ip: string;
  aliases: string[];
  /** Static IPv6 address (`--ip6`), "" for none. */
  ip6?: string;
}

interface NetworkRow {
  id: string;
  name: string;
  created: string;
  bridge: string;
  subnet: string;
  gateway: string;
  ip_range: string;
  internal: number;
  builtin: number;
  labels: string;
  options: string;
  subnet6: string;
  gateway6: string;
}

interface EndpointRow {
  network_id: string;
  container_id: string;
  endpoint_id: string;
  ip: string;
  mac: string;
  ifname: string;
  host_veth: string;
  aliases: string;
  ip6: string;
}

interface PortRow {
  container_id: string;
  proto: string;
  container_port: number;
  host_ip: string;
  host_port: number;
}

export class NetworkStore {
  private readonly sql: (text: string) => Statement;

  constructor(readonly db: Db) {
    ensureSchema(db, SCHEMA);
    db.transaction(() => {
      for (const [table, column, sql] of ADDED_COLUMNS) {
        const columns = db.prepare(`SELECT name FROM pragma_table_info('${table}')`).all() as {
          name: string;
        }[];
        if (!columns.some((c) => c.name === column)) db.exec(sql);
      }
    })();
    this.sql = statementCache(db);
  }

  networks(): NetworkRecord[] {
    return (this.sql("SELECT * FROM networks ORDER BY created").all() as NetworkRow[]).map(toNetwork);
  }

  insertNetwork(n: NetworkRecord): void {
    this.sql(
      `INSERT INTO networks (id, name, created, bridge, subnet, gateway, ip_range, internal, builtin, labels, options,
         subnet6, gateway6)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      n.id,
      n.name,
      n.created,
      n.bridge,
      n.subnet,
      n.gateway,
      n.ipRange,
      n.internal ? 1 : 0,
      n.builtin ? 1 : 0,
      JSON.stringify(n.labels),
      JSON.stringify(n.options),
      n.subnet6,
      n.gateway6,
    );
  }

  updateNetworkAddress(id: string, subnet: string, gateway: string): void {
    this.sql("UPDATE networks SET subnet = ?, gateway = ? WHERE id = ?").run(subnet, gateway, id);
  }

  /** The default bridge's IPv6 half (daemon `--ipv6`/`--fixed-cidr-v6`), "" to turn it off. */
  updateNetworkAddress6(id: string, subnet6: string, gateway6: string): void {
    this.sql("UPDATE networks SET subnet6 = ?, gateway6 = ? WHERE id = ?").run(subnet6, gateway6, id);
  }

  deleteNetwork(id: string): void {
    this.sql("DELETE FROM networks WHERE id = ?").run(id);
  }

  /** Every row of `table` (in insertion order), or those whose `column` equals `value`. */
  private rowsWhere<Row>(table: string, column: string, value: string | undefined): Row[] {
    return (
      value === undefined
        ? this.sql(`SELECT * FROM ${table} ORDER BY rowid`).all()
        : this.sql(`SELECT * FROM ${table} WHERE ${column} = ? ORDER BY rowid`).all(value)
    ) as Row[];
  }

  endpoints(networkId?: string): EndpointRecord[] {
    return this.rowsWhere<EndpointRow>("network_endpoints", "network_id", networkId).map(toEndpoint);
  }

  endpointsOf(containerId: string): EndpointRecord[] {
    return (
      this.sql("SELECT * FROM network_endpoints WHERE container_id = ?").all(containerId) as EndpointRow[]
    ).map(toEndpoint);
  }

  insertEndpoint(e: EndpointRecord): void {
    this.sql(
      `INSERT INTO network_endpoints (network_id, container_id, endpoint_id, ip, mac, ifname, host_veth, aliases, ip6)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      e.networkId,
      e.containerId,
      e.endpointId,
      e.ip,
      e.mac,
      e.ifname,
      e.hostVeth,
      JSON.stringify(e.aliases),
      e.ip6,
    );
  }

  deleteEndpoint(networkId: string, containerId: string): void {
    this.sql("DELETE FROM network_endpoints WHERE network_id = ? AND container_id = ?").run(
      networkId,
      containerId,
    );
  }

  /** One container's network configs, or every container's without an id. */
  configsOf(containerId?: string): NetworkConfig[] {
    const rows = this.rowsWhere<{
      container_id: string;
      network_id: string;
      ip: string;
      aliases: string;
      ip6: string;
    }>("network_configs", "container_id", containerId);
    return rows.map((r) => ({
      containerId: r.container_id,
      networkId: r.network_id,
      ip: r.ip,
      aliases: JSON.parse(r.aliases) as string[],
      ip6: r.ip6,
    }));
  }

  setConfig(c: NetworkConfig): void {
    this.sql(
      "INSERT OR REPLACE INTO network_configs (container_id, network_id, ip, aliases, ip6) VALUES (?, ?, ?, ?, ?)",
    ).run(c.containerId, c.networkId, c.ip, JSON.stringify(c.aliases), c.ip6 ?? "");
  }

  deleteConfigs(containerId: string, networkId?: string): void {
    if (networkId === undefined)
      this.sql("DELETE FROM network_configs WHERE container_id = ?").run(containerId);
    else
      this.sql("DELETE FROM network_configs WHERE container_id = ? AND network_id = ?").run(
        containerId,
        networkId,
      );
  }

  deleteNetworkConfigs(networkId: string): void {
    this.sql("DELETE FROM network_configs WHERE network_id = ?").run(networkId);
  }

  ports(containerId?: string): PortMapping[] {
    return this.rowsWhere<PortRow>("network_ports", "container_id", containerId).map((r) => ({
      containerId: r.container_id,
      proto: r.proto === "udp" ? "udp" : "tcp",
      containerPort: r.container_port,
      hostIp: r.host_ip,
      hostPort: r.host_port,
    }));
  }

  insertPorts(ports: readonly PortMapping[]): void {
    const stmt = this.sql(
      "INSERT INTO network_ports (container_id, proto, container_port, host_ip, host_port) VALUES (?, ?, ?, ?, ?)",
    );
    this.db.transaction(() => {
      for (const p of ports) stmt.run(p.containerId, p.proto, p.containerPort, p.hostIp, p.hostPort);
    })();
  }

  deletePorts(containerId: string): void {
    this.sql("DELETE FROM network_ports WHERE container_id = ?").run(containerId);
  }
}

function toNetwork(r: NetworkRow): NetworkRecord {
  return {
    id: r.id,
    name: r.name,
    created: r.created,
    bridge: r.bridge,
    subnet: r.subnet,
    gateway: r.gateway,
    ipRange: r.ip_range,
    internal: r.internal === 1,
    builtin: r.builtin === 1,
    labels: JSON.parse(r.labels) as Record<string, string>,
    options: JSON.parse(r.options) as Record<string, string>,
    subnet6: r.subnet6,
    gateway6: r.gateway6,
  };
}

function toEndpoint(r: EndpointRow): EndpointRecord {
  return {
    networkId: r.network_id,
    containerId: r.container_id,
    endpointId: r.endpoint_id,
    ip: r.ip,
    mac: r.mac,
    ifname: r.ifname,
    hostVeth: r.host_veth,
    aliases: JSON.parse(r.aliases) as string[],
    ip6: r.ip6,
  };
}

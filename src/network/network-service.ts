// Container networking: the default bridge network, each container's namespace, veth, address
// lease, published ports and firewall rules; all of it undone when the container stops, and
// reconciled on daemon start (leases and namespaces of containers no longer running go, the
// rules of the running ones are re-applied).
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { conflict, invalidArgument, type Logger, notFound } from "../lib/index.ts";
import type { Db } from "../metadata/index.ts";
import { bridgeAddress, enableForwarding, ensureBridge, hostRoutes } from "./bridge.ts";
import { Firewall, type FirewallPort } from "./firewall.ts";
import { containerResolvConf, readHostResolvConf } from "./host-resolv.ts";
import { allocateAddress } from "./ipam.ts";
import {
  type Cidr,
  formatCidr,
  formatIp,
  macFor,
  overlaps,
  parseCidr,
  parseIp,
  tryParseCidr,
} from "./ipv4.ts";
import { type EndpointRecord, type NetworkRecord, NetworkStore, type PortMapping } from "./network-store.ts";
import { type PortBindingInput, portRequests } from "./port-bindings.ts";
import { PortReservations } from "./port-reservation.ts";
import { createSandbox, destroySandbox, listSandboxes, netnsPath } from "./sandbox.ts";

export const DEFAULT_BRIDGE = "berth0";
export const DEFAULT_NETWORK_NAME = "bridge";

export interface NetworkServiceOptions {
  db: Db;
  execRoot: string;
  /** Bridge of the default network (daemon --bridge). */
  bridge: string;
  /** Gateway address/prefix of the default network (daemon --bip), "" to choose a free subnet. */
  bip: string;
  log: Logger;
}

export interface AttachRequest {
  id: string;
  hostname: string;
  networkMode: string;
  portBindings?: Record<string, PortBindingInput[] | null> | undefined;
  exposedPorts?: Record<string, unknown> | undefined;
  publishAll?: boolean | undefined;
  /** The netns of another container, for `container:<id>` mode (resolved by the daemon). */
  joinNetns?: string | undefined;
}

export interface Attachment {
  /** For the OCI spec: "host", "none" (a fresh namespace by runc), or a namespace path. */
  namespace: string;
  /** The address to map the hostname to in /etc/hosts (none: 127.0.1.1 as before). */
  hostsAddress?: string;
  resolvConf: string;
}

export interface EndpointView {
  network: NetworkRecord;
  endpoint: EndpointRecord;
  prefixLen: number;
}

/** Candidate default subnets, as Docker's default address pools (172.17–31/16, 192.168/20). */
function defaultCandidates(): string[] {
  const out: string[] = [];
  for (let b = 17; b <= 31; b++) out.push(`172.${b}.0.0/16`);
  for (let c = 0; c < 256; c += 16) out.push(`192.168.${c}.0/20`);
  return out;
}

export class NetworkService {
  readonly store: NetworkStore;
  readonly firewall: Firewall;
  private readonly ports = new PortReservations();
  private readonly lastAllocated = new Map<string, number>();

  constructor(private readonly options: NetworkServiceOptions) {
    this.store = new NetworkStore(options.db);
    this.firewall = new Firewall(options.bridge === DEFAULT_BRIDGE ? "BERTH" : `BERTH_${options.bridge}`);
  }

  /** The default network in the store, its bridge up, forwarding on, the firewall in place. */
  async init(): Promise<void> {
    let def = this.defaultNetwork();
    const wanted = this.options.bip !== "" ? parseCidr(this.options.bip) : undefined;
    if (wanted === undefined && def === undefined) {
      const existing = await bridgeAddress(this.options.bridge);
      const subnet = existing ? parseCidr(existing) : await this.freeSubnet();
      const gateway = existing ? (existing.split("/")[0] ?? "") : formatIp(subnet.base + 1);
      def = this.insertDefault(formatCidr(subnet), gateway);
    } else if (wanted !== undefined) {
      const subnet = formatCidr(wanted);
      const gateway = formatIp(wanted.address === wanted.base ? wanted.base + 1 : wanted.address);
      if (def === undefined) def = this.insertDefault(subnet, gateway);
      else if (def.subnet !== subnet || def.gateway !== gateway) {
        this.store.updateNetworkAddress(def.id, subnet, gateway);
        def = { ...def, subnet, gateway };
      }
    }
    if (def === undefined) throw new Error("unreachable: no default network");
    enableForwarding();
    await ensureBridge(def.bridge, `${def.gateway}/${parseCidr(def.subnet).prefix}`);
  }

  /**
   * After the containers' live restore: endpoints, ports and namespaces of containers that are
   * not running go; the firewall is rebuilt for the running ones and their ports re-reserved.
   */
  async reconcile(running: ReadonlySet<string>): Promise<void> {
    for (const e of this.store.endpoints()) {
      if (!running.has(e.containerId)) await this.detach(e.containerId);
    }
    for (const p of this.store.ports()) {
      if (!running.has(p.containerId)) this.store.deletePorts(p.containerId);
    }
    for (const id of listSandboxes(this.options.execRoot)) {
      if (!running.has(id)) await destroySandbox(netnsPath(this.options.execRoot, id), []);
    }
    const rules: FirewallPort[] = [];
    for (const p of this.store.ports()) {
      await this.ports
        .reserve(p.proto, p.hostIp, p.hostPort)
        .catch((err: unknown) =>
          this.options.log.warn("re-reserving published port", { port: p.hostPort, err }),
        );
      const ip = this.store.endpointsOf(p.containerId)[0]?.ip;
      if (ip) rules.push({ ...p, containerIp: ip });
    }
    await this.firewall.applyAll(this.firewallNetworks(), rules);
  }

  close(): void {
    this.ports.closeAll();
  }

  defaultNetwork(): NetworkRecord | undefined {
    return this.store.networks().find((n) => n.builtin);
  }

  networks(): NetworkRecord[] {
    return this.store.networks();
  }

  /** By full or unique-prefix id, or name (Docker's network lookup order). */
  findNetwork(ref: string): NetworkRecord {
    const all = this.store.networks();
    const found =
      all.find((n) => n.id === ref) ??
      all.find((n) => n.name === ref) ??
      all.filter((n) => n.id.startsWith(ref)).at(0);
    if (!found) throw notFound("NO_SUCH_NETWORK", `network ${ref} not found`);
    return found;
  }

  /** A container's network as its start needs it. */
  async attach(req: AttachRequest): Promise<Attachment> {
    const mode = req.networkMode;
    const hostResolv = readHostResolvConf();
    if (mode === "host") return { namespace: "host", resolvConf: hostResolv };
    if (mode === "none") return { namespace: "none", resolvConf: containerResolvConf(hostResolv) };
    if (mode.startsWith("container:")) {
      if (!req.joinNetns)
        throw invalidArgument("NETWORK_MODE", `cannot join network of container ${mode.slice(10)}`);
      return { namespace: req.joinNetns, resolvConf: containerResolvConf(hostResolv) };
    }
    const network =
      mode === "" || mode === "default" || mode === "bridge" ? this.defaultNetwork() : this.findNetwork(mode);
    if (!network) throw notFound("NO_SUCH_NETWORK", `network ${mode} not found`);
    const requests = portRequests(req.portBindings, req.exposedPorts, req.publishAll === true);
    const endpoint = this.lease(network, req.id);
    const path = netnsPath(this.options.execRoot, req.id);
    const reserved: PortMapping[] = [];
    try {
      for (const r of requests) {
        const hostPort = await this.ports.reserve(r.proto, r.hostIp, r.hostPort);
        reserved.push({
          containerId: req.id,
          proto: r.proto,
          containerPort: r.containerPort,
          hostIp: r.hostIp,
          hostPort,
        });
      }
      const subnet = parseCidr(network.subnet);
      await createSandbox(path, [
        {
          ifname: "eth0",
          hostVeth: endpoint.hostVeth,
          bridge: network.bridge,
          mac: endpoint.mac,
          address: `${endpoint.ip}/${subnet.prefix}`,
          ...(network.internal ? {} : { defaultGateway: network.gateway }),
        },
      ]);
      if (reserved.length > 0) {
        this.store.insertPorts(reserved);
        await this.firewall.addPorts(reserved.map((p) => ({ ...p, containerIp: endpoint.ip })));
      }
    } catch (err) {
      for (const p of reserved) this.ports.release(p.proto, p.hostIp, p.hostPort);
      this.store.deletePorts(req.id);
      this.store.deleteEndpoint(network.id, req.id);
      if (existsSync(path)) await destroySandbox(path, [endpoint]).catch(() => undefined);
      if (err instanceof Error && "code" in err && err.code === "PORT_ALLOCATED") {
        throw conflict(
          "PORT_ALLOCATED",
          `driver failed programming external connectivity on endpoint ${req.hostname} (${endpoint.endpointId}): ${err.message}`,
        );
      }
      throw err;
    }
    return { namespace: path, hostsAddress: endpoint.ip, resolvConf: containerResolvConf(hostResolv) };
  }

  /** Everything attach made, undone (idempotent). */
  async detach(id: string): Promise<void> {
    const endpoints = this.store.endpointsOf(id);
    const ports = this.store.ports(id);
    const ip = endpoints[0]?.ip;
    if (ip !== undefined && ports.length > 0) {
      await this.firewall
        .removePorts(ports.map((p) => ({ ...p, containerIp: ip })))
        .catch((err: unknown) => this.options.log.warn("removing port rules", { id, err }));
    }
    for (const p of ports) this.ports.release(p.proto, p.hostIp, p.hostPort);
    this.store.deletePorts(id);
    const path = netnsPath(this.options.execRoot, id);
    if (existsSync(path) || endpoints.length > 0) await destroySandbox(path, endpoints);
    for (const e of endpoints) this.store.deleteEndpoint(e.networkId, id);
  }

  /** The container's endpoints and published ports, for inspect and ps. */
  view(id: string): { endpoints: EndpointView[]; ports: PortMapping[]; sandbox: string } {
    const networks = new Map(this.store.networks().map((n) => [n.id, n]));
    const endpoints: EndpointView[] = [];
    for (const e of this.store.endpointsOf(id)) {
      const network = networks.get(e.networkId);
      if (network) endpoints.push({ network, endpoint: e, prefixLen: parseCidr(network.subnet).prefix });
    }
    const sandbox = netnsPath(this.options.execRoot, id);
    return { endpoints, ports: this.store.ports(id), sandbox: existsSync(sandbox) ? sandbox : "" };
  }

  private lease(network: NetworkRecord, containerId: string, requested?: string): EndpointRecord {
    const subnet = parseCidr(network.subnet);
    const range = network.ipRange ? parseCidr(network.ipRange) : undefined;
    const used = new Set(this.store.endpoints(network.id).map((e) => parseIp(e.ip) ?? 0));
    const ip = allocateAddress(
      { subnet, gateway: parseIp(network.gateway) ?? 0, ...(range ? { range } : {}) },
      used,
      requested,
      this.lastAllocated.get(network.id),
    );
    this.lastAllocated.set(network.id, ip);
    const endpoint: EndpointRecord = {
      networkId: network.id,
      containerId,
      endpointId: randomBytes(32).toString("hex"),
      ip: formatIp(ip),
      mac: macFor(ip),
      ifname: "eth0",
      hostVeth: `veth${containerId.slice(0, 7)}${network.id.slice(0, 4)}`,
      aliases: [],
    };
    this.store.insertEndpoint(endpoint);
    return endpoint;
  }

  private insertDefault(subnet: string, gateway: string): NetworkRecord {
    const record: NetworkRecord = {
      id: randomBytes(32).toString("hex"),
      name: DEFAULT_NETWORK_NAME,
      created: new Date().toISOString(),
      bridge: this.options.bridge,
      subnet,
      gateway,
      ipRange: "",
      internal: false,
      builtin: true,
      labels: {},
      options: {
        "com.docker.network.bridge.default_bridge": "true",
        "com.docker.network.bridge.enable_icc": "true",
        "com.docker.network.bridge.enable_ip_masquerade": "true",
        "com.docker.network.bridge.host_binding_ipv4": "0.0.0.0",
        "com.docker.network.bridge.name": this.options.bridge,
        "com.docker.network.driver.mtu": "1500",
      },
    };
    this.store.insertNetwork(record);
    return record;
  }

  /** The first candidate pool that overlaps no host route and no berth network. */
  private async freeSubnet(): Promise<Cidr> {
    const taken: Cidr[] = [
      ...(await hostRoutes()).filter((r) => !r.startsWith("0.0.0.0/0")).flatMap((r) => tryParseCidr(r) ?? []),
      ...this.store.networks().map((n) => parseCidr(n.subnet)),
    ];
    for (const text of defaultCandidates()) {
      const c = parseCidr(text);
      if (!taken.some((t) => t.prefix > 0 && overlaps(t, c))) return c;
    }
    throw conflict(
      "NO_FREE_SUBNET",
      "could not find an available, non-overlapping IPv4 address pool among the defaults to assign to the network",
    );
  }

  firewallNetworks(): { bridge: string; subnet: string; internal: boolean }[] {
    return this.store.networks().map((n) => ({ bridge: n.bridge, subnet: n.subnet, internal: n.internal }));
  }
}

/** Whether `path` is a live mount of a namespace file (for tests and reconcile). */
export function isNetnsMounted(path: string): boolean {
  return readFileSync("/proc/self/mountinfo", "utf8")
    .split("\n")
    .some((l) => l.split(" ")[4] === path);
}

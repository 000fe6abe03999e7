// Container networking: the default bridge network, each container's namespace, veth, address
// lease, published ports and firewall rules; all of it undone when the container stops, and
// reconciled on daemon start (leases and namespaces of containers no longer running go, the
// rules of the running ones are re-applied).
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { conflict, EngineError, invalidArgument, type Logger, notFound } from "../lib/index.ts";
import type { Db } from "../metadata/index.ts";
import { bridgeAddress, enableForwarding, ensureBridge, ensureBridge6, hostRoutes } from "./bridge.ts";
import { enableForwarding6, ipv6Available, removeBridgeAddress6 } from "./bridge.ts";
import { hostBindings, isIpv6HostIp, refuseIpv6Loopback } from "./port-families.ts";
import { allocateAddress6, ipv6Config } from "./ipv6-network.ts";
import { contains6, parseIp6, tryParseCidr6 } from "./ipv6.ts";
import { Firewall, type FirewallPort } from "./firewall.ts";
import { EmbeddedDns } from "./dns-server.ts";
import { containerResolvConf, readHostResolvConf, upstreamNameservers } from "./host-resolv.ts";
import {
  type AddressPool,
  type AddressPool6,
  DEFAULT_ADDRESS_POOLS,
  firstFreeSubnet,
} from "./address-pools.ts";
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
  contains,
} from "./ipv4.ts";
import {
  type EndpointRecord,
  type NetworkConfig,
  type NetworkRecord,
  NetworkStore,
  type PortMapping,
} from "./network-store.ts";
import { type PortBindingInput, portRequests } from "./port-bindings.ts";
import { PortReservations } from "./port-reservation.ts";
import {
  addInterface,
  createSandbox,
  destroySandbox,
  type Interface,
  listSandboxes,
  netnsPath,
  removeInterface,
} from "./sandbox.ts";
import { deleteBridge } from "./bridge.ts";
import { hostVethName } from "./veth-name.ts";

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
  /** daemon.json "default-address-pools"; Docker's defaults when absent. */
  addressPools?: readonly AddressPool[] | undefined;
  /** Its IPv6 entries: subnets of `--ipv6` networks without one (else a random ULA /64). */
  addressPools6?: readonly AddressPool6[] | undefined;
  /** IPv6 on the default bridge (dockerd `--ipv6`, daemon.json "ipv6"), and its subnet. */
  ipv6?: boolean | undefined;
  fixedCidrV6?: string | undefined;
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
  /** Dual-stack networks: the IPv6 address mapped to the hostname too. */
  hostsAddress6?: string;
  resolvConf: string;
  /**
   * With `early`: settles when the interfaces (and published ports' rules) are in place; the
   * namespace itself is usable once attach resolves. Rejects (everything undone) on failure.
   */
  configured?: Promise<void>;
}

export interface CreateNetworkRequest {
  name: string;
  subnet?: string | undefined;
  gateway?: string | undefined;
  ipRange?: string | undefined;
  internal: boolean;
  labels: Record<string, string>;
  options: Record<string, string>;
  /** Dual stack (`--ipv6`), with the IPv6 subnet and gateway if given. */
  enableIPv6?: boolean | undefined;
  subnet6?: string | undefined;
  gateway6?: string | undefined;
}

export interface EndpointView {
  network: NetworkRecord;
  endpoint: EndpointRecord;
  prefixLen: number;
  /** The aliases the client asked for (API ≥ 1.45 `Aliases`); `endpoint.aliases` are all DNS names. */
  configuredAliases: string[];
  /** Static addresses asked for (`--ip`, `--ip6`), "" for none: inspect's IPAMConfig. */
  configuredIp: string;
  configuredIp6: string;
}

export class NetworkService {
  readonly store: NetworkStore;
  readonly firewall: Firewall;
  /** The same chains in ip6tables for the IPv6 subnets (none on a kernel without IPv6). */
  readonly firewall6: Firewall | undefined;
  private readonly ports = new PortReservations();
  private readonly lastAllocated = new Map<string, number>();
  private readonly detaching = new Map<string, Promise<void>>();
  private readonly dns = new EmbeddedDns(() => upstreamNameservers(readHostResolvConf()));
  /** A container's name without the slash (set by the daemon), for DNS. */
  containerName: (id: string) => string | undefined = () => undefined;

  constructor(private readonly options: NetworkServiceOptions) {
    this.store = new NetworkStore(options.db);
    this.firewall = new Firewall(options.bridge === DEFAULT_BRIDGE ? "BERTH" : `BERTH_${options.bridge}`);
    this.firewall6 = ipv6Available() ? new Firewall(this.firewall.prefix, 6) : undefined;
  }

  /** The default network in the store, its bridge up, forwarding on, the firewall in place. */
  async init(): Promise<void> {
    let def = this.defaultNetwork();
    const wanted = this.options.bip !== "" ? parseCidr(this.options.bip) : undefined;
    if (wanted === undefined && def === undefined) {
      const existing = await bridgeAddress(this.options.bridge);
      const subnet = existing ? parseCidr(existing) : this.freeSubnet(await this.routeCidrs());
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
    def = await this.defaultIpv6(def);
    enableForwarding();
    await ensureBridge(def.bridge, `${def.gateway}/${parseCidr(def.subnet).prefix}`);
    if (def.gateway6) await ensureBridge6(def.bridge, gatewayCidr6(def));
    if (this.firewall6 && this.store.networks().some((n) => n.gateway6 !== "")) enableForwarding6();
    for (const n of this.store.networks().filter((x) => !x.builtin)) {
      await ensureBridge(n.bridge, `${n.gateway}/${parseCidr(n.subnet).prefix}`);
      if (n.gateway6) await ensureBridge6(n.bridge, gatewayCidr6(n));
      await this.listenDns(n);
    }
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
    const rules6: FirewallPort[] = [];
    for (const p of this.store.ports()) {
      await this.ports
        .reserve(p.proto, p.hostIp, p.hostPort)
        .catch((err: unknown) =>
          this.options.log.warn("re-reserving published port", { port: p.hostPort, err }),
        );
      const [v4, v6] = this.portRules([p], this.store.endpointsOf(p.containerId)[0]);
      rules.push(...v4);
      rules6.push(...v6);
    }
    await this.firewall.applyAll(this.firewallNetworks(), rules);
    await this.firewall6?.applyAll(this.firewallNetworks6(), rules6);
  }

  /** A container's published ports as rules of each family, to its primary endpoint's addresses. */
  private portRules(
    ports: readonly PortMapping[],
    primary: EndpointRecord | undefined,
  ): [FirewallPort[], FirewallPort[]] {
    const v4: FirewallPort[] = [];
    const v6: FirewallPort[] = [];
    for (const p of ports) {
      if (!isIpv6HostIp(p.hostIp)) {
        if (primary?.ip) v4.push({ ...p, containerIp: primary.ip });
      } else if (primary?.ip6) v6.push({ ...p, containerIp: primary.ip6 });
    }
    return [v4, v6];
  }

  private async addPortRules(
    ports: readonly PortMapping[],
    primary: EndpointRecord | undefined,
  ): Promise<void> {
    const [v4, v6] = this.portRules(ports, primary);
    await this.firewall.addPorts(v4);
    if (v6.length > 0) {
      if (!this.firewall6) throw invalidArgument("NO_IPV6", "IPv6 is not available on this host");
      await this.firewall6.addPorts(v6);
    }
  }

  /** Both families' per-network chains rebuilt (network created or removed). */
  private async applyNetworks(): Promise<void> {
    await this.firewall.applyNetworks(this.firewallNetworks());
    await this.firewall6?.applyNetworks(this.firewallNetworks6());
  }

  /**
   * The default bridge's IPv6 half as the daemon's options want it: `fixed-cidr-v6` (gateway
   * the subnet's first address, as dockerd), else the one it already has, else one from the
   * IPv6 address pools or a random ULA /64; none without `ipv6`. A change is recorded and the
   * old address taken off the bridge.
   */
  private async defaultIpv6(def: NetworkRecord): Promise<NetworkRecord> {
    let subnet6 = "";
    let gateway6 = "";
    if (this.options.ipv6 === true) {
      const fixed = this.options.fixedCidrV6 ?? "";
      if (fixed === "" && def.subnet6 !== "") ({ subnet6, gateway6 } = def);
      else {
        const others = this.store
          .networks()
          .filter((n) => n.id !== def.id)
          .map((n) => n.subnet6)
          .filter(Boolean);
        ({ subnet6, gateway6 } = ipv6Config(
          { enable: true, ...(fixed !== "" ? { subnet: fixed } : {}) },
          others,
          undefined,
          this.options.addressPools6 ?? [],
        ));
      }
    } else if (this.options.fixedCidrV6) {
      throw invalidArgument("IPV6_NOT_ENABLED", "fixed-cidr-v6 requires ipv6 to be enabled (--ipv6)");
    }
    if (subnet6 === def.subnet6 && gateway6 === def.gateway6) return def;
    if (def.gateway6 !== "") await removeBridgeAddress6(def.bridge, gatewayCidr6(def));
    this.store.updateNetworkAddress6(def.id, subnet6, gateway6);
    return { ...def, subnet6, gateway6 };
  }

  close(): void {
    this.ports.closeAll();
    this.dns.closeAll();
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

  /**
   * A container's network as its start needs it. `early`: resolve as soon as the namespace
   * exists, the rest being reported by `configured` (the start overlaps it with `runc create`).
   */
  async attach(req: AttachRequest, early = false): Promise<Attachment> {
    // A start right after an exit may overtake the exit's release (the state says "exited"
    // before the release is done): the old veth, lease and namespace must be gone first.
    await this.detaching.get(req.id);
    const mode = req.networkMode;
    const hostResolv = readHostResolvConf();
    if (mode === "host") return { namespace: "host", resolvConf: hostResolv };
    if (mode === "none") return { namespace: "none", resolvConf: containerResolvConf(hostResolv) };
    if (mode.startsWith("container:")) {
      if (!req.joinNetns)
        throw invalidArgument("NETWORK_MODE", `cannot join network of container ${mode.slice(10)}`);
      return { namespace: req.joinNetns, resolvConf: containerResolvConf(hostResolv) };
    }
    const primary =
      mode === "" || mode === "default" || mode === "bridge" ? this.defaultNetwork() : this.findNetwork(mode);
    if (!primary) throw notFound("NO_SUCH_NETWORK", `network ${mode} not found`);
    const configs = this.store.configsOf(req.id);
    const wanted = [
      primary,
      ...configs.map((c) => this.findNetwork(c.networkId)).filter((n) => n.id !== primary.id),
    ];
    const requests = portRequests(req.portBindings, req.exposedPorts, req.publishAll === true);
    // A host port or a static address may still be held by a removed container whose release
    // runs after its `docker run --rm` returned: `docker run --rm -p 8080:80` twice in a row
    // must work as with a synchronous release.
    if (requests.length > 0 || configs.some((c) => Boolean(c.ip) || Boolean(c.ip6))) await this.detached();
    const path = netnsPath(this.options.execRoot, req.id);
    const endpoints: EndpointRecord[] = [];
    const reserved: PortMapping[] = [];
    const undo = async (): Promise<void> => {
      for (const p of reserved) this.ports.release(p.proto, p.hostIp, p.hostPort);
      this.store.deletePorts(req.id);
      for (const e of endpoints) this.store.deleteEndpoint(e.networkId, req.id);
      if (existsSync(path)) await destroySandbox(path, endpoints).catch(() => undefined);
    };
    let configured: Promise<void> | undefined;
    try {
      const interfaces: Interface[] = [];
      for (const [i, network] of wanted.entries()) {
        const cfg = configs.find((c) => c.networkId === network.id);
        const ip = cfg?.ip === "" ? undefined : cfg?.ip;
        const ip6 = cfg?.ip6 ? cfg.ip6 : undefined;
        const endpoint = this.lease(network, req.id, `eth${i}`, ip, cfg?.aliases ?? [], ip6);
        endpoints.push(endpoint);
        interfaces.push(this.interfaceOf(network, endpoint, i === 0));
      }
      for (const r of requests) {
        refuseIpv6Loopback(r.hostIp, r.hostPort);
        // No host IP on a dual-stack container: 0.0.0.0 and [::], on the same port (also when
        // the kernel picks it: the IPv6 one may be taken, then both are picked again).
        const bindings = hostBindings(r.hostIp, Boolean(endpoints[0]?.ip6));
        if (bindings.length === 0) {
          this.options.log.warn("IPv6 host address of a container without IPv6: port not published", {
            id: req.id,
            hostIp: r.hostIp,
            port: r.containerPort,
          });
        }
        for (let attempt = 0; ; attempt++) {
          const got: PortMapping[] = [];
          try {
            let hostPort = r.hostPort;
            for (const b of bindings) {
              hostPort = await this.ports.reserve(r.proto, b.hostIp, hostPort);
              got.push({
                containerId: req.id,
                proto: r.proto,
                containerPort: r.containerPort,
                hostIp: b.hostIp,
                hostPort,
              });
            }
            reserved.push(...got);
            break;
          } catch (err) {
            for (const p of got) this.ports.release(p.proto, p.hostIp, p.hostPort);
            if (r.hostPort !== 0 || got.length === 0 || attempt >= 8) throw err;
          }
        }
      }
      let namespaceUp = (): void => undefined;
      const namespace = new Promise<void>((resolve) => (namespaceUp = resolve));
      const finish = createSandbox(path, interfaces, early ? () => namespaceUp() : undefined).then(
        async () => {
          if (reserved.length > 0) {
            this.store.insertPorts(reserved);
            await this.addPortRules(reserved, endpoints[0]);
          }
        },
      );
      if (!early) await finish;
      else {
        // A failure before the namespace is up is this call's; after it, `configured`'s.
        await Promise.race([namespace, finish]);
        configured = finish.catch(async (err: unknown) => {
          await undo();
          throw err;
        });
      }
    } catch (err) {
      await undo();
      if (err instanceof Error && "code" in err && err.code === "PORT_ALLOCATED") {
        const name = this.containerName(req.id) ?? req.hostname;
        throw conflict(
          "PORT_ALLOCATED",
          `driver failed programming external connectivity on endpoint ${name} (${endpoints[0]?.endpointId ?? ""}): ${err.message}`,
        );
      }
      throw err;
    }
    // User-defined networks resolve names through the embedded DNS on the gateway address.
    const dnsServer = primary.builtin ? undefined : [primary.gateway];
    return {
      namespace: path,
      hostsAddress: endpoints[0]?.ip ?? "",
      ...(endpoints[0]?.ip6 ? { hostsAddress6: endpoints[0].ip6 } : {}),
      resolvConf: containerResolvConf(hostResolv, dnsServer),
      ...(configured ? { configured } : {}),
    };
  }

  private interfaceOf(network: NetworkRecord, endpoint: EndpointRecord, first: boolean): Interface {
    const routed = !network.internal && first;
    return {
      ifname: endpoint.ifname,
      hostVeth: endpoint.hostVeth,
      bridge: network.bridge,
      mac: endpoint.mac,
      address: `${endpoint.ip}/${parseCidr(network.subnet).prefix}`,
      ...(routed ? { defaultGateway: network.gateway } : {}),
      ...(endpoint.ip6 ? { address6: `${endpoint.ip6}/${prefix6(network)}` } : {}),
      ...(endpoint.ip6 && routed ? { defaultGateway6: network.gateway6 } : {}),
    };
  }

  /** Records a create-time EndpointsConfig entry (`--network N --ip --network-alias`). */
  configure(containerId: string, networkRef: string, ip: string, aliases: readonly string[], ip6 = ""): void {
    if (["host", "none", "default"].includes(networkRef) || networkRef.startsWith("container:")) return;
    const network = this.findNetwork(networkRef);
    if (ip !== "") {
      if (network.builtin) {
        throw invalidArgument(
          "USER_SPECIFIED_IP",
          "user specified IP address is supported on user defined networks only",
        );
      }
      const parsed = parseIp(ip);
      if (parsed === undefined || !contains(parseCidr(network.subnet), parsed)) {
        throw invalidArgument(
          "IP_OUT_OF_RANGE",
          `no configured subnet or ip-range contain the IP address ${ip}`,
        );
      }
    }
    if (ip6 !== "") {
      if (network.builtin) {
        throw invalidArgument(
          "USER_SPECIFIED_IP",
          "user specified IP address is supported on user defined networks only",
        );
      }
      const parsed = parseIp6(ip6);
      const subnet = tryParseCidr6(network.subnet6);
      if (parsed === undefined || !subnet || !contains6(subnet, parsed)) {
        throw invalidArgument(
          "IP_OUT_OF_RANGE",
          `no configured subnet or ip-range contain the IP address ${ip6}`,
        );
      }
    }
    this.store.setConfig({ containerId, networkId: network.id, ip, aliases: [...aliases], ip6 });
  }

  /** Forgets a removed container's network wishes. */
  forget(containerId: string): void {
    this.store.deleteConfigs(containerId);
  }

  /** `network connect`: recorded for the next start; a running container gets the interface now. */
  async connect(
    networkRef: string,
    containerId: string,
    running: boolean,
    ip: string,
    aliases: readonly string[],
    ip6 = "",
  ): Promise<void> {
    const network = this.findNetwork(networkRef);
    const name = this.containerName(containerId) ?? containerId;
    if (this.store.endpointsOf(containerId).some((e) => e.networkId === network.id)) {
      throw new EngineError(
        "forbidden",
        "ENDPOINT_EXISTS",
        `endpoint with name ${name} already exists in network ${network.name}`,
      );
    }
    this.configure(containerId, network.id, ip, aliases, ip6);
    const path = netnsPath(this.options.execRoot, containerId);
    if (!running || !existsSync(path)) return;
    const index = this.store.endpointsOf(containerId).length;
    const endpoint = this.lease(
      network,
      containerId,
      `eth${index}`,
      ip === "" ? undefined : ip,
      [...aliases],
      ip6 === "" ? undefined : ip6,
    );
    try {
      await addInterface(path, this.interfaceOf(network, endpoint, false));
    } catch (err) {
      this.store.deleteEndpoint(network.id, containerId);
      this.store.deleteConfigs(containerId, network.id);
      throw err;
    }
  }

  async disconnect(networkRef: string, containerId: string): Promise<void> {
    const network = this.findNetwork(networkRef);
    const endpoint = this.store.endpointsOf(containerId).find((e) => e.networkId === network.id);
    const config = this.store.configsOf(containerId).find((c) => c.networkId === network.id);
    if (!endpoint && !config) {
      throw new EngineError(
        "forbidden",
        "NOT_CONNECTED",
        `container ${containerId} is not connected to network ${network.name}`,
      );
    }
    if (endpoint) {
      await removeInterface(endpoint);
      this.store.deleteEndpoint(network.id, containerId);
    }
    this.store.deleteConfigs(containerId, network.id);
  }

  /** POST /networks/create for bridge networks. */
  async createNetwork(req: CreateNetworkRequest): Promise<NetworkRecord> {
    // The only wait before the insert: checks and the insert below run without interleaving.
    const routes = req.subnet ? [] : await this.routeCidrs();
    const all = this.store.networks();
    if (all.some((n) => n.name === req.name)) {
      throw conflict("NETWORK_EXISTS", `network with name ${req.name} already exists`);
    }
    let subnet: Cidr;
    if (req.subnet) {
      const parsed = tryParseCidr(req.subnet);
      if (!parsed) throw invalidArgument("INVALID_CIDR", `invalid CIDR address: ${req.subnet}`);
      subnet = parsed;
      if (all.some((n) => overlaps(parseCidr(n.subnet), parsed))) {
        throw new EngineError(
          "forbidden",
          "POOL_OVERLAP",
          "Pool overlaps with other one on this address space",
        );
      }
    } else subnet = this.freeSubnet(routes);
    let gateway = subnet.base + 1;
    if (req.gateway) {
      const g = parseIp(req.gateway);
      if (g === undefined || !contains(subnet, g)) {
        throw invalidArgument("INVALID_GATEWAY", `no matching subnet for gateway ${req.gateway}`);
      }
      gateway = g;
    }
    if (req.ipRange) {
      const r = tryParseCidr(req.ipRange);
      if (!r || !contains(subnet, r.base) || r.prefix < subnet.prefix) {
        throw invalidArgument("INVALID_IP_RANGE", `no matching subnet for range ${req.ipRange}`);
      }
    }
    const v6 = ipv6Config(
      { enable: req.enableIPv6 === true, subnet: req.subnet6, gateway: req.gateway6 },
      all.map((n) => n.subnet6).filter(Boolean),
      undefined,
      this.options.addressPools6 ?? [],
    );
    const id = randomBytes(32).toString("hex");
    const bridge = req.options["com.docker.network.bridge.name"] ?? `br-${id.slice(0, 12)}`;
    if (bridge.length > 15 || !/^[A-Za-z0-9_.-]+$/.test(bridge)) {
      throw invalidArgument("INVALID_BRIDGE_NAME", `invalid bridge name: ${bridge}`);
    }
    if (all.some((n) => n.bridge === bridge)) {
      throw conflict("BRIDGE_EXISTS", `bridge name ${bridge} is already in use by another network`);
    }
    const record: NetworkRecord = {
      id,
      name: req.name,
      created: new Date().toISOString(),
      bridge,
      subnet: formatCidr(subnet),
      gateway: formatIp(gateway),
      ipRange: req.ipRange ?? "",
      internal: req.internal,
      builtin: false,
      labels: req.labels,
      options: req.options,
      ...v6,
    };
    this.store.insertNetwork(record);
    try {
      await ensureBridge(bridge, `${record.gateway}/${subnet.prefix}`);
      if (record.gateway6) {
        if (!this.firewall6) throw invalidArgument("NO_IPV6", "IPv6 is not available on this host");
        enableForwarding6();
        await ensureBridge6(bridge, gatewayCidr6(record));
      }
      await this.applyNetworks();
      await this.listenDns(record);
    } catch (err) {
      this.store.deleteNetwork(id);
      this.dns.close(record.gateway);
      await deleteBridge(bridge).catch(() => undefined);
      await this.applyNetworks().catch(() => undefined);
      throw err;
    }
    return record;
  }

  /** Resolves when the detaches under way are done (a removed container's endpoint goes last). */
  async detached(): Promise<void> {
    await Promise.all([...this.detaching.values()]);
  }

  async removeNetwork(ref: string): Promise<void> {
    // `docker run --rm --network n …; docker network rm n`: the container is reported removed
    // while its release (veth, endpoint) may still run.
    await this.detached();
    const network = this.findNetwork(ref);
    if (network.builtin) {
      throw new EngineError(
        "forbidden",
        "PREDEFINED_NETWORK",
        `${network.name} is a pre-defined network and cannot be removed`,
      );
    }
    if (this.store.endpoints(network.id).length > 0) {
      throw new EngineError(
        "forbidden",
        "NETWORK_IN_USE",
        `error while removing network: network ${network.name} id ${network.id} has active endpoints`,
      );
    }
    this.store.deleteNetworkConfigs(network.id);
    this.store.deleteNetwork(network.id);
    this.dns.close(network.gateway);
    await deleteBridge(network.bridge);
    await this.applyNetworks();
  }

  private async listenDns(network: NetworkRecord): Promise<void> {
    await this.dns.listen(network.gateway, (name) => {
      const ips = this.store
        .endpoints(network.id)
        .filter((e) => e.aliases.some((a) => a.toLowerCase() === name))
        .flatMap((e) => (e.ip6 ? [e.ip, e.ip6] : [e.ip]));
      return ips.length > 0 ? ips : undefined;
    });
  }

  /** Everything attach made, undone (idempotent). */
  detach(id: string): Promise<void> {
    const previous = this.detaching.get(id) ?? Promise.resolve();
    const run = previous.then(() => this.detachNow(id));
    const settled = run.catch(() => undefined);
    this.detaching.set(id, settled);
    void settled.then(() => {
      if (this.detaching.get(id) === settled) this.detaching.delete(id);
    });
    return run;
  }

  private async detachNow(id: string): Promise<void> {
    const endpoints = this.store.endpointsOf(id);
    const ports = this.store.ports(id);
    if (ports.length > 0) {
      const [v4, v6] = this.portRules(ports, endpoints[0]);
      await this.firewall
        .removePorts(v4)
        .catch((err: unknown) => this.options.log.warn("removing port rules", { id, err }));
      await this.firewall6
        ?.removePorts(v6)
        .catch((err: unknown) => this.options.log.warn("removing IPv6 port rules", { id, err }));
    }
    for (const p of ports) this.ports.release(p.proto, p.hostIp, p.hostPort);
    this.store.deletePorts(id);
    const path = netnsPath(this.options.execRoot, id);
    // The container's processes are gone (or being killed by `runc delete --force`): once its
    // namespace is unmounted, the kernel deletes it with its interfaces, each veth's host end
    // included, so no `ip link del` (a fork of the daemon and an `ip` per container) is needed.
    // Until the kernel has done so (milliseconds), hostVethName() does not hand the name out.
    if (existsSync(path)) await destroySandbox(path, []);
    else if (endpoints.length > 0) await destroySandbox(path, endpoints);
    for (const e of endpoints) this.store.deleteEndpoint(e.networkId, id);
  }

  /** The container's endpoints and published ports, for inspect and ps. */
  view(id: string): { endpoints: EndpointView[]; ports: PortMapping[]; sandbox: string } {
    const networks = new Map(this.store.networks().map((n) => [n.id, n]));
    const endpoints: EndpointView[] = [];
    const configs = this.store.configsOf(id);
    for (const e of this.store.endpointsOf(id)) {
      const network = networks.get(e.networkId);
      if (network) endpoints.push(endpointView(network, e, parseCidr(network.subnet).prefix, configs));
    }
    const sandbox = netnsPath(this.options.execRoot, id);
    return { endpoints, ports: this.store.ports(id), sandbox: existsSync(sandbox) ? sandbox : "" };
  }

  /**
   * view() for many containers at once (`docker ps`): three queries and one readdir in all
   * instead of three queries and a stat per container. Same shapes as view().
   */
  views(): (id: string) => ReturnType<NetworkService["view"]> {
    const networks = new Map(this.store.networks().map((n) => [n.id, n]));
    const prefixes = new Map([...networks.values()].map((n) => [n.id, parseCidr(n.subnet).prefix]));
    const configs = new Map<string, NetworkConfig[]>();
    for (const c of this.store.configsOf())
      configs.set(c.containerId, [...(configs.get(c.containerId) ?? []), c]);
    const endpoints = new Map<string, EndpointView[]>();
    for (const e of this.store.endpoints()) {
      const network = networks.get(e.networkId);
      if (!network) continue;
      const list = endpoints.get(e.containerId) ?? [];
      list.push(endpointView(network, e, prefixes.get(network.id) ?? 0, configs.get(e.containerId) ?? []));
      endpoints.set(e.containerId, list);
    }
    const ports = new Map<string, PortMapping[]>();
    for (const p of this.store.ports()) ports.set(p.containerId, [...(ports.get(p.containerId) ?? []), p]);
    // Read on first use only: `docker ps` shows no sandbox (inspect's SandboxKey does).
    let sandboxes: Set<string> | undefined;
    const execRoot = this.options.execRoot;
    return (id) => ({
      endpoints: endpoints.get(id) ?? [],
      ports: ports.get(id) ?? [],
      get sandbox(): string {
        sandboxes ??= new Set(listSandboxes(execRoot));
        return sandboxes.has(id) ? netnsPath(execRoot, id) : "";
      },
    });
  }

  private lease(
    network: NetworkRecord,
    containerId: string,
    ifname: string,
    requested?: string,
    aliases: string[] = [],
    requested6?: string,
  ): EndpointRecord {
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
    const ip6 = network.subnet6
      ? allocateAddress6(
          network.subnet6,
          network.gateway6,
          new Set(this.store.endpoints(network.id).map((e) => e.ip6)),
          requested6,
        )
      : "";
    const endpoint: EndpointRecord = {
      networkId: network.id,
      containerId,
      endpointId: randomBytes(32).toString("hex"),
      ip: formatIp(ip),
      mac: macFor(ip),
      ifname,
      hostVeth: hostVethName(
        containerId,
        network.id,
        new Set(this.store.endpoints().map((e) => e.hostVeth)),
        (name) => existsSync(`/sys/class/net/${name}`),
      ),
      ip6,
      // DNS names on user networks: the container's name, its aliases and its short id.
      aliases: network.builtin
        ? aliases
        : [
            ...new Set(
              [this.containerName(containerId) ?? "", ...aliases, containerId.slice(0, 12)].filter(Boolean),
            ),
          ],
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
      subnet6: "",
      gateway6: "",
    };
    this.store.insertNetwork(record);
    return record;
  }

  /** The host's routes but the default one (the address pools must not overlap them). */
  private async routeCidrs(): Promise<Cidr[]> {
    return (await hostRoutes())
      .filter((r) => !r.startsWith("0.0.0.0/0"))
      .flatMap((r) => tryParseCidr(r) ?? []);
  }

  /**
   * The first subnet of the address pools that overlaps no host route and no berth network.
   * Synchronous, so a caller that inserts the network right after cannot race another create.
   */
  private freeSubnet(routes: readonly Cidr[]): Cidr {
    const taken: Cidr[] = [...routes, ...this.store.networks().map((n) => parseCidr(n.subnet))];
    const free = firstFreeSubnet(
      this.options.addressPools ?? DEFAULT_ADDRESS_POOLS,
      taken.filter((t) => t.prefix > 0),
    );
    if (free) return free;
    throw conflict(
      "NO_FREE_SUBNET",
      "could not find an available, non-overlapping IPv4 address pool among the defaults to assign to the network",
    );
  }

  firewallNetworks(): { bridge: string; subnet: string; internal: boolean }[] {
    return this.store.networks().map((n) => ({ bridge: n.bridge, subnet: n.subnet, internal: n.internal }));
  }

  /** The IPv6 subnets of the dual-stack networks, for the ip6tables chains. */
  firewallNetworks6(): { bridge: string; subnet: string; internal: boolean }[] {
    return this.store
      .networks()
      .filter((n) => n.subnet6 !== "")
      .map((n) => ({ bridge: n.bridge, subnet: n.subnet6, internal: n.internal }));
  }
}

/** Whether `path` is a live mount of a namespace file (for tests and reconcile). */
export function isNetnsMounted(path: string): boolean {
  return readFileSync("/proc/self/mountinfo", "utf8")
    .split("\n")
    .some((l) => l.split(" ")[4] === path);
}

function prefix6(network: NetworkRecord): number {
  return tryParseCidr6(network.subnet6)?.prefix ?? 64;
}

/** "fd00::1/64": the bridge's IPv6 address. */
function gatewayCidr6(network: NetworkRecord): string {
  return `${network.gateway6}/${prefix6(network)}`;
}

/** An endpoint with what was asked for it at connect/run (aliases, static addresses). */
function endpointView(
  network: NetworkRecord,
  endpoint: EndpointRecord,
  prefixLen: number,
  configs: readonly NetworkConfig[],
): EndpointView {
  const config = configs.find((c) => c.networkId === endpoint.networkId);
  return {
    network,
    endpoint,
    prefixLen,
    configuredAliases: config?.aliases ?? [],
    configuredIp: config?.ip ?? "",
    configuredIp6: config?.ip6 ?? "",
  };
}

// berth's firewall: iptables (the nf_tables-backed iptables 1.8 here; chosen over native nft
// because Docker's own rules, which users and tools inspect, live there, and `iptables-restore
// --noflush` applies a whole batch atomically in one process). Everything lives in berth's OWN
// chains, hooked once from PREROUTING/OUTPUT/POSTROUTING (nat) and FORWARD (filter); rules
// that are not berth's are never flushed or reordered. Chain names carry a per-daemon prefix
// ("BERTH" for the default bridge berth0) so several daemons can share a host.
//
// Family 6 is the same set of chains in ip6tables (same names: the tables are separate), for
// the IPv6 subnets of `--ipv6` networks, as Docker does with ip6tables enabled: DNAT of
// published ports to the container's IPv6 address, MASQUERADE of the subnet (NAT66) for
// outbound traffic, isolation between networks and `--internal`. One addition: a packet
// routed from elsewhere to an IPv6 container that is neither a reply nor DNATed is dropped
// (Docker 28's "direct routing" protection): IPv6 subnets may be routable, and only published
// ports are meant to be reachable from outside the host.
import { runTool } from "./run-tool.ts";

export interface FirewallNetwork {
  bridge: string;
  subnet: string;
  internal: boolean;
}

export interface FirewallPort {
  proto: "tcp" | "udp";
  hostIp: string;
  hostPort: number;
  containerIp: string;
  containerPort: number;
}

export class Firewall {
  readonly nat: string;
  readonly post: string;
  readonly forward: string;

  private readonly save: string;
  private readonly restoreTool: string;
  private readonly tool: string;

  constructor(
    readonly prefix: string,
    readonly family: 4 | 6 = 4,
  ) {
    this.tool = family === 4 ? "iptables" : "ip6tables";
    this.save = `${this.tool}-save`;
    this.restoreTool = `${this.tool}-restore`;
    this.nat = prefix;
    this.post = `${prefix}-POSTROUTING`;
    this.forward = `${prefix}-FORWARD`;
  }

  /** DNAT of one published port (nat chain, reached for packets to any local address). */
  portRule(p: FirewallPort): string {
    const any = p.hostIp === "" || p.hostIp === "0.0.0.0" || p.hostIp === "::";
    const dst = any ? "" : ` -d ${p.hostIp}/${this.family === 4 ? 32 : 128}`;
    const to = this.family === 4 ? p.containerIp : `[${p.containerIp}]`;
    return `${this.nat}${dst} -p ${p.proto} -m ${p.proto} --dport ${p.hostPort} -j DNAT --to-destination ${to}:${p.containerPort}`;
  }

  /** Rebuilds all of berth's chains and makes sure the hooks exist (daemon start). */
  async applyAll(networks: readonly FirewallNetwork[], ports: readonly FirewallPort[]): Promise<void> {
    const saved = (await runTool([this.save])).stdout;
    const hooks = {
      nat: [
        `PREROUTING -m addrtype --dst-type LOCAL -j ${this.nat}`,
        this.outputHook(),
        `POSTROUTING -j ${this.post}`,
      ],
      filter: [`FORWARD -j ${this.forward}`],
    };
    const missing = (rule: string): boolean => !saved.includes(`-A ${rule}\n`);
    const lines = [
      "*nat",
      `:${this.nat} - [0:0]`,
      `:${this.post} - [0:0]`,
      ...ports.map((p) => `-A ${this.portRule(p)}`),
      ...this.postRules(networks),
      ...hooks.nat.filter(missing).map((r) => `-A ${r}`),
      "COMMIT",
      "*filter",
      `:${this.forward} - [0:0]`,
      ...this.forwardRules(networks),
      ...hooks.filter.filter(missing).map((r) => `-I ${r}`),
      "COMMIT",
    ];
    await this.restore(lines);
  }

  /** Rebuilds the per-network chains (network created or removed). */
  async applyNetworks(networks: readonly FirewallNetwork[]): Promise<void> {
    await this.restore([
      "*nat",
      `:${this.post} - [0:0]`,
      ...this.postRules(networks),
      "COMMIT",
      "*filter",
      `:${this.forward} - [0:0]`,
      ...this.forwardRules(networks),
      "COMMIT",
    ]);
  }

  async addPorts(ports: readonly FirewallPort[]): Promise<void> {
    if (ports.length === 0) return;
    await this.restore(["*nat", ...ports.map((p) => `-A ${this.portRule(p)}`), "COMMIT"]);
  }

  async removePorts(ports: readonly FirewallPort[]): Promise<void> {
    if (ports.length === 0) return;
    // One rule at a time would fail the whole batch if one is gone already; -D in one batch
    // is tried first, then rule by rule.
    const lines = ports.map((p) => `-D ${this.portRule(p)}`);
    try {
      await this.restore(["*nat", ...lines, "COMMIT"]);
    } catch {
      for (const line of lines) await this.restore(["*nat", line, "COMMIT"]).catch(() => undefined);
    }
  }

  /** Removes the hooks and chains (tests, and a daemon that gives up its bridge). */
  async removeAll(): Promise<void> {
    const hooks: [string, string][] = [
      ["nat", `PREROUTING -m addrtype --dst-type LOCAL -j ${this.nat}`],
      ["nat", this.outputHook()],
      ["nat", `POSTROUTING -j ${this.post}`],
      ["filter", `FORWARD -j ${this.forward}`],
    ];
    for (const [table, rule] of hooks) {
      await this.restore([`*${table}`, `-D ${rule}`, "COMMIT"]).catch(() => undefined);
    }
    for (const [table, chain] of [
      ["nat", this.nat],
      ["nat", this.post],
      ["filter", this.forward],
    ] as const) {
      await runTool([this.tool, "-t", table, "-F", chain]).catch(() => undefined);
      await runTool([this.tool, "-t", table, "-X", chain]).catch(() => undefined);
    }
  }

  /**
   * Locally generated packets to a published port. IPv6 leaves ::1 out: DNATed, its replies
   * would be dropped (no route_localnet for IPv6), so a client of [::1]:port is not left
   * hanging but meets berthd's held socket, which closes the connection at once.
   */
  private outputHook(): string {
    const notLoopback = this.family === 6 ? " ! -d ::1/128" : "";
    return `OUTPUT${notLoopback} -m addrtype --dst-type LOCAL -j ${this.nat}`;
  }

  private postRules(networks: readonly FirewallNetwork[]): string[] {
    const out: string[] = [];
    for (const n of networks) {
      // Host → container through a port published on 127.0.0.1: the source must not stay loopback.
      out.push(`-A ${this.post} -o ${n.bridge} -m addrtype --src-type LOCAL -j MASQUERADE`);
      // Container → host address → (DNAT) container on the same bridge: replies must come back via the host.
      out.push(`-A ${this.post} -s ${n.subnet} -o ${n.bridge} -m conntrack --ctstate DNAT -j MASQUERADE`);
      if (!n.internal) out.push(`-A ${this.post} -s ${n.subnet} ! -o ${n.bridge} -j MASQUERADE`);
    }
    return out;
  }

  private forwardRules(networks: readonly FirewallNetwork[]): string[] {
    const out: string[] = [];
    for (const n of networks.filter((x) => x.internal)) {
      out.push(`-A ${this.forward} -i ${n.bridge} ! -o ${n.bridge} -j DROP`);
      out.push(`-A ${this.forward} -o ${n.bridge} ! -i ${n.bridge} -j DROP`);
    }
    for (const n of networks) {
      out.push(`-A ${this.forward} -o ${n.bridge} -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT`);
      out.push(`-A ${this.forward} -o ${n.bridge} -m conntrack --ctstate DNAT -j ACCEPT`);
    }
    // Isolation between berth's networks (Docker's DOCKER-ISOLATION stages, in one chain).
    for (const a of networks) {
      for (const b of networks) {
        if (a.bridge !== b.bridge) out.push(`-A ${this.forward} -i ${a.bridge} -o ${b.bridge} -j DROP`);
      }
    }
    for (const n of networks) out.push(`-A ${this.forward} -i ${n.bridge} -j ACCEPT`);
    if (this.family === 6) for (const n of networks) out.push(`-A ${this.forward} -o ${n.bridge} -j DROP`);
    return out;
  }

  private async restore(lines: readonly string[]): Promise<void> {
    await runTool([this.restoreTool, "--noflush"], lines.join("\n") + "\n");
  }
}

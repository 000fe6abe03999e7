// Which endpoints serve a registry name, and how to reach them (moby registry/config.go and
// hosts semantics): `docker.io` is served by registry-1.docker.io; mirrors are tried first;
// TLS uses the system CAs plus `<certsDir>/<host[:port]>/*.crt` (Docker's certs.d); plain HTTP
// is allowed only for loopback addresses and registries listed as insecure.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { isIP } from "node:net";
import { EngineError } from "../../lib/index.ts";

export const DOCKER_HUB_DOMAIN = "docker.io";
export const DOCKER_HUB_ENDPOINT = "registry-1.docker.io";
/** The key under which Docker stores Docker Hub credentials (config.json `auths`). */
export const DOCKER_HUB_AUTH_KEY = "https://index.docker.io/v1/";

export interface RegistryHostsConfig {
  /** `host[:port]` names or CIDRs (IPv4) reachable over plain HTTP, as daemon.json `insecure-registries`. */
  insecureRegistries: readonly string[];
  /** Mirror base URLs per registry domain; daemon.json `registry-mirrors` go under "docker.io". */
  mirrors: Readonly<Record<string, readonly string[]>>;
  /** Docker's certs.d: `<certsDir>/<host[:port]>/ca.crt`. */
  certsDir: string;
  /**
   * Registry domains whose own endpoint is never contacted (daemon.json `blocked-registries`, as
   * podman's registries.conf `blocked`): only their mirrors are used, and without mirrors a pull
   * fails at once. For air-gapped hosts, and test daemons that must not reach the internet.
   */
  blocked?: readonly string[];
}

export interface Endpoint {
  /** `host[:port]` as connected to. */
  host: string;
  /** Schemes to try in order: https, then http when plain HTTP is allowed. */
  schemes: ("https" | "http")[];
  /** Extra CA certificates from certs.d for this host (PEM). */
  ca: Buffer[];
  mirror: boolean;
}

export function endpointsFor(domain: string, config: RegistryHostsConfig): Endpoint[] {
  const blocked = config.blocked?.includes(domain) === true;
  if (blocked && (config.mirrors[domain] ?? []).length === 0) {
    throw new EngineError(
      "forbidden",
      "REGISTRY_BLOCKED",
      `registry ${domain} is blocked by this daemon's configuration ("blocked-registries")`,
    );
  }
  const out: Endpoint[] = [];
  for (const m of config.mirrors[domain] ?? []) {
    const url = new URL(/^[a-z]+:\/\//.test(m) ? m : `https://${m}`);
    const host = url.host;
    const schemes: Endpoint["schemes"] =
      url.protocol === "http:" ? ["http"] : isInsecure(host, config) ? ["https", "http"] : ["https"];
    out.push({ host, schemes, ca: caFor(host, config.certsDir), mirror: true });
  }
  // A blocked registry is reached through its mirrors only (an air-gapped host's own mirror).
  if (blocked) return out;
  const host = domain === DOCKER_HUB_DOMAIN ? DOCKER_HUB_ENDPOINT : domain;
  out.push({
    host,
    schemes: isInsecure(host, config) ? ["https", "http"] : ["https"],
    ca: caFor(host, config.certsDir),
    mirror: false,
  });
  return out;
}

/** Loopback always; otherwise names and IPv4 CIDRs of `insecure-registries`. */
export function isInsecure(host: string, config: Pick<RegistryHostsConfig, "insecureRegistries">): boolean {
  const hostname = hostnameOf(host);
  if (hostname === "localhost" || hostname === "::1" || /^127\./.test(hostname)) return true;
  for (const entry of config.insecureRegistries) {
    if (entry === host || entry === hostname) return true;
    const cidr = /^(\d+\.\d+\.\d+\.\d+)\/(\d+)$/.exec(entry);
    if (cidr && isIP(hostname) === 4 && inCidr(hostname, cidr[1] ?? "", Number(cidr[2]))) return true;
  }
  return false;
}

function hostnameOf(host: string): string {
  if (host.startsWith("[")) return host.slice(1, host.indexOf("]"));
  const colon = host.lastIndexOf(":");
  return colon > 0 && host.indexOf(":") === colon ? host.slice(0, colon) : host;
}

function ipv4(s: string): number {
  return s.split(".").reduce((n, part) => (n << 8) + Number(part), 0) >>> 0;
}

function inCidr(ip: string, base: string, bits: number): boolean {
  if (bits === 0) return true;
  const mask = (0xffffffff << (32 - bits)) >>> 0;
  return (ipv4(ip) & mask) === (ipv4(base) & mask);
}

/** Every `*.crt` in `<certsDir>/<host>` (Docker reads ca.crt and other .crt files as CAs). */
function caFor(host: string, certsDir: string): Buffer[] {
  const dir = join(certsDir, host);
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names
    .filter((n) => n.endsWith(".crt"))
    .sort()
    .map((n) => readFileSync(join(dir, n)));
}

// Legacy container links (`--link target[:alias]`, docker/cli docs "Legacy container links"):
// the linking container gets an /etc/hosts line for the target (alias, target hostname and
// name) and the target's environment as <ALIAS>_* variables, and inspect shows each link as
// `/target:/source/alias`. Checked at create (the target must exist; host and container:
// network modes refuse links, as dockerd), resolved at each start (the target must be running).
// Links are stored as `targetName:alias` in HostConfig.Links.
import type { ContainerCreateRequest, ContainerInspectResponse } from "../api/types/index.ts";
import { conflict, EngineError, invalidArgument } from "../lib/index.ts";
import type { ContainerBackend } from "../api/server/index.ts";
import type { NetworkService } from "../network/index.ts";
import type { Containers } from "./container-create.ts";
import type { RunnableContainer } from "./container-runtime.ts";

export interface Link {
  target: string;
  alias: string;
}

/** "name:alias" or "name" (alias = name); a leading slash on either is dropped. */
export function parseLink(spec: string): Link {
  const [rawTarget = "", rawAlias, extra] = spec.split(":");
  const target = rawTarget.replace(/^\//, "");
  const alias = (rawAlias ?? target).replace(/^\//, "");
  if (extra !== undefined || target === "" || alias === "") {
    throw invalidArgument("INVALID_LINK", `invalid link specification: ${spec}`);
  }
  return { target, alias };
}

/** Docker's display of a link in HostConfig.Links. */
export function linkDisplay(link: Link, sourceName: string): string {
  return `/${link.target}:/${sourceName}/${link.alias}`;
}

export interface LinkTarget {
  name: string;
  hostname: string;
  ip: string;
  env: readonly string[];
  exposedPorts: readonly string[];
}

/**
 * The variables a link adds (moby's links.go): <ALIAS>_NAME, <ALIAS>_PORT (the lowest port),
 * <ALIAS>_PORT_<port>_<PROTO>[_ADDR|_PORT|_PROTO] per exposed port, <ALIAS>_ENV_<var> per
 * variable of the target but HOME and PATH.
 */
export function linkEnvironment(link: Link, sourceName: string, target: LinkTarget): string[] {
  const prefix = link.alias.toUpperCase().replace(/-/g, "_");
  const env = [`${prefix}_NAME=/${sourceName}/${link.alias}`];
  const ports = target.exposedPorts
    .map((p) => {
      const [port = "", proto = "tcp"] = p.split("/");
      return { port: Number(port), proto };
    })
    .filter((p) => Number.isInteger(p.port) && p.port > 0)
    .sort((a, b) => a.port - b.port || a.proto.localeCompare(b.proto));
  const first = ports[0];
  if (first) env.push(`${prefix}_PORT=${first.proto}://${target.ip}:${first.port}`);
  for (const { port, proto } of ports) {
    const key = `${prefix}_PORT_${port}_${proto.toUpperCase()}`;
    env.push(
      `${key}=${proto}://${target.ip}:${port}`,
      `${key}_ADDR=${target.ip}`,
      `${key}_PORT=${port}`,
      `${key}_PROTO=${proto}`,
    );
  }
  for (const v of target.env) {
    const eq = v.indexOf("=");
    if (eq <= 0) continue;
    const name = v.slice(0, eq);
    if (name === "HOME" || name === "PATH") continue;
    env.push(`${prefix}_ENV_${name}=${v.slice(eq + 1)}`);
  }
  return env;
}

/** The /etc/hosts entry, in ExtraHosts' "names:ip" form: alias, hostname, and the name if different. */
export function linkHostEntry(link: Link, target: LinkTarget): string {
  const names = [link.alias, target.hostname, ...(link.alias === target.name ? [] : [target.name])];
  return `${names.join(" ")}:${target.ip}`;
}

/** `env` of the links with the names the container sets itself left out (its own values win). */
export function mergeLinkEnv(linkEnv: readonly string[], own: readonly string[]): string[] {
  const mine = new Set(own.map((v) => v.split("=")[0]));
  return linkEnv.filter((v) => !mine.has(v.split("=")[0]));
}

export interface LinkResolver {
  /** The target's facts, or an EngineError (not found). */
  target(name: string): (LinkTarget & { running: boolean }) | undefined;
}

/** What a start adds for the container's links; throws when a target is missing or stopped. */
export function linksAtStart(
  links: readonly string[],
  sourceName: string,
  resolver: LinkResolver,
): { hosts: string[]; env: string[] } {
  const hosts: string[] = [];
  const env: string[] = [];
  for (const spec of links) {
    const link = parseLink(spec);
    const target = resolver.target(link.target);
    if (!target) {
      throw new EngineError(
        "not-found",
        "LINK_TARGET",
        `could not get container for ${link.target}: No such container: ${link.target}`,
      );
    }
    if (!target.running || target.ip === "") {
      throw conflict(
        "LINK_NOT_RUNNING",
        `Cannot link to a non running container: /${target.name} AS /${sourceName}/${link.alias}`,
      );
    }
    hosts.push(linkHostEntry(link, target));
    env.push(...linkEnvironment(link, sourceName, target));
  }
  return { hosts, env };
}

/**
 * The container backend with links checked and stored as `targetName:alias` at create, and
 * shown as Docker shows them at inspect.
 */
export function withLinks<B extends Pick<ContainerBackend, "createContainer" | "inspectContainer">>(
  backend: B,
  resolveName: (ref: string) => string | undefined,
): B {
  return {
    ...backend,
    async createContainer(name: string, request: ContainerCreateRequest) {
      const links = request.HostConfig?.Links ?? [];
      if (links.length === 0) return backend.createContainer(name, request);
      const mode = request.HostConfig?.NetworkMode ?? "";
      if (mode === "host") {
        throw invalidArgument(
          "LINKS_HOST_NETWORK",
          "conflicting options: host type networking can't be used with links. This would result in undefined behavior",
        );
      }
      if (mode.startsWith("container:")) {
        throw invalidArgument(
          "LINKS_CONTAINER_NETWORK",
          "conflicting options: container type network can't be used with links. This would result in undefined behavior",
        );
      }
      const stored = links.map((spec) => {
        const link = parseLink(spec);
        const target = resolveName(link.target);
        // A bad argument (400), not 404: the docker CLI takes a 404 from create for a missing
        // image and would pull before showing this.
        if (target === undefined) {
          throw invalidArgument(
            "LINK_TARGET",
            `could not get container for ${link.target}: No such container: ${link.target}`,
          );
        }
        return `${target}:${link.alias}`;
      });
      return backend.createContainer(name, {
        ...request,
        HostConfig: { ...request.HostConfig, Links: stored },
      });
    },
    async inspectContainer(ref: string, size: boolean) {
      const out: ContainerInspectResponse = await backend.inspectContainer(ref, size);
      const links = out.HostConfig.Links;
      if (links && links.length > 0) {
        const source = out.Name.replace(/^\//, "");
        out.HostConfig.Links = links.map((spec) => linkDisplay(parseLink(spec), source));
      }
      return out;
    },
  };
}

/** The runtime's `links` hook: targets looked up by name in the store, addresses from the network. */
export function runtimeLinks(
  store: Containers,
  network: Pick<NetworkService, "view">,
): (c: RunnableContainer) => { hosts: string[]; env: string[] } {
  return (c) => {
    const links = c.hostConfig.Links ?? [];
    if (links.length === 0) return { hosts: [], env: [] };
    const source = store.get(c.id)?.name.slice(1) ?? c.id.slice(0, 12);
    const mode = c.hostConfig.NetworkMode ?? "";
    const onDefault = mode === "" || mode === "default" || mode === "bridge";
    const out = linksAtStart(links, source, {
      target(name) {
        const id = store.idOfName(`/${name}`);
        const t = id === undefined ? undefined : store.get(id);
        if (!t) return undefined;
        // The target's address on the network the linking container is on, else its first.
        const endpoints = network.view(t.id).endpoints;
        const same = endpoints.find((e) => (onDefault ? e.network.builtin : e.network.name === mode));
        return {
          name: t.name.slice(1),
          hostname: t.config.Hostname || t.id.slice(0, 12),
          ip: (same ?? endpoints[0])?.endpoint.ip ?? "",
          env: t.config.Env ?? [],
          exposedPorts: Object.keys(t.config.ExposedPorts ?? {}),
          running: t.state.Running,
        };
      },
    });
    return { hosts: out.hosts, env: mergeLinkEnv(out.env, c.config.Env ?? []) };
  };
}

/** A container's name without the slash, by any reference; undefined when there is none. */
export function resolveContainerName(store: Containers, ref: string): string | undefined {
  try {
    return store.resolve(ref).name.slice(1);
  } catch {
    return undefined;
  }
}

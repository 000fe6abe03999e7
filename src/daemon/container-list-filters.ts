// `docker ps` filters that need a container's mounts or networks: volume (a volume name, a bind
// source or a mount destination, as moby's daemon/list.go) and network (the network mode or a
// network the container is attached to). Applied around the store-level list, before --last/-n.
import type { ContainerBackend } from "../api/server/index.ts";
import type { ContainerSummary } from "../api/types/index.ts";

export function withMountFilters<B extends Pick<ContainerBackend, "listContainers">>(backend: B): B {
  return {
    ...backend,
    async listContainers(options) {
      const volumes = options.filters.get("volume") ?? [];
      const networks = options.filters.get("network") ?? [];
      if (volumes.length === 0 && networks.length === 0) return backend.listContainers(options);
      const filters = new Map(options.filters);
      filters.delete("volume");
      filters.delete("network");
      const all = await backend.listContainers({
        ...options,
        filters,
        limit: -1,
        all: options.all || options.limit > 0,
      });
      const out = all.filter((c) => matchesVolume(c, volumes) && matchesNetwork(c, networks));
      return options.limit > 0 ? out.slice(0, options.limit) : out;
    },
  };
}

function matchesVolume(c: ContainerSummary, values: readonly string[]): boolean {
  if (values.length === 0) return true;
  return values.some((v) =>
    c.Mounts.some((m) => m.Destination === v || (m.Name ? m.Name === v : m.Source === v)),
  );
}

function matchesNetwork(c: ContainerSummary, values: readonly string[]): boolean {
  if (values.length === 0) return true;
  const mode = c.HostConfig?.NetworkMode ?? "bridge";
  const names = new Set([mode, ...Object.keys(c.NetworkSettings?.Networks ?? {})]);
  return values.some((v) => names.has(v));
}

// The VolumeBackend the API routes call: volume records in Docker's wire shape, and the list and
// prune filters (moby's daemon/volume/service/convert.go semantics).
import { type Filters, filterBool, type VolumeBackend } from "../api/server/index.ts";
import type { Volume } from "../api/types/index.ts";
import { invalidArgument } from "../lib/index.ts";
import { ANONYMOUS_LABEL, type VolumeRecord, type VolumeService, type VolumeUsage } from "../volume/index.ts";

type Predicate = (v: VolumeRecord) => boolean;

export function createVolumeBackend(volumes: VolumeService): VolumeBackend {
  const wire = (r: VolumeRecord): Volume => toVolume(r, volumes.mountpoint(r.name));
  return {
    async listVolumes(filters) {
      const matches = listPredicate(filters, (name) => volumes.usedBy(name).length > 0);
      return { Volumes: volumes.list().filter(matches).map(wire), Warnings: [] };
    },
    async createVolume(options) {
      return wire(
        await volumes.create({
          ...(options.Name === undefined ? {} : { name: options.Name }),
          ...(options.Driver === undefined ? {} : { driver: options.Driver }),
          labels: options.Labels ?? {},
          options: options.DriverOpts ?? {},
        }),
      );
    },
    async inspectVolume(name) {
      return wire(volumes.get(name));
    },
    async removeVolume(name, force) {
      await volumes.remove(name, { force });
    },
    async pruneVolumes(filters, all) {
      const matches = prunePredicate(filters, all);
      const { deleted, reclaimed } = await volumes.prune(matches);
      return { VolumesDeleted: deleted, SpaceReclaimed: reclaimed };
    },
  };
}

/** Every volume with its size and users, for /system/df. */
export async function volumesWithUsage(volumes: VolumeService): Promise<Volume[]> {
  const usage = new Map<string, VolumeUsage>((await volumes.usage()).map((u) => [u.name, u]));
  return volumes.list().map((r) => ({
    ...toVolume(r, volumes.mountpoint(r.name)),
    UsageData: { Size: usage.get(r.name)?.size ?? -1, RefCount: usage.get(r.name)?.refCount ?? 0 },
  }));
}

// Keys in Go's map order (sorted): clients that print the JSON as-is then match docker inspect.
export function toVolume(r: VolumeRecord, mountpoint: string): Volume {
  return {
    CreatedAt: r.createdAt,
    Driver: r.driver,
    Labels: sorted(r.labels),
    Mountpoint: mountpoint,
    Name: r.name,
    Options: sorted(r.options),
    Scope: "local",
  };
}

function sorted(map: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(map).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

export function listPredicate(filters: Filters, inUse: (name: string) => boolean): Predicate {
  const checks: Predicate[] = [];
  for (const [key, values] of filters) {
    switch (key) {
      case "name": {
        // Alternatives; each a regular expression matched anywhere in the name (filters.Match).
        const patterns = values.map((v) => regexp(key, v));
        checks.push((v) => patterns.some((p) => p.test(v.name)));
        break;
      }
      case "driver":
        checks.push((v) => values.includes(v.driver));
        break;
      case "label":
        for (const value of values) checks.push(hasLabel(value));
        break;
      case "dangling":
        for (const value of values) {
          const dangling = filterBool(key, value);
          checks.push((v) => !inUse(v.name) === dangling);
        }
        break;
    }
  }
  return (v) => checks.every((check) => check(v));
}

/** Unused-ness is the service's business; this selects among the unused volumes. */
export function prunePredicate(filters: Filters, legacyAll: boolean): Predicate {
  const checks: Predicate[] = [];
  let all = legacyAll;
  for (const value of filters.get("all") ?? []) all = filterBool("all", value);
  if (!all) checks.push((v) => v.anonymous || ANONYMOUS_LABEL in v.labels);
  for (const value of filters.get("label") ?? []) checks.push(hasLabel(value));
  for (const value of filters.get("label!") ?? []) {
    const has = hasLabel(value);
    checks.push((v) => !has(v));
  }
  return (v) => checks.every((check) => check(v));
}

function hasLabel(value: string): Predicate {
  const eq = value.indexOf("=");
  const key = eq < 0 ? value : value.slice(0, eq);
  const want = eq < 0 ? undefined : value.slice(eq + 1);
  return (v) => key in v.labels && (want === undefined || v.labels[key] === want);
}

function regexp(key: string, pattern: string): RegExp {
  try {
    return new RegExp(pattern);
  } catch {
    throw invalidArgument("INVALID_FILTER", `invalid filter '${key}=${pattern}'`);
  }
}

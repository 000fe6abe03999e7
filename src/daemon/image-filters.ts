// `docker images --filter` and `image prune --filter` predicates (dangling, label, reference,
// before, since, until), over summaries already in wire shape.
import type { Filters } from "../api/server/index.ts";
import { filterBool } from "../api/server/index.ts";
import type { ImageSummary } from "../api/types/index.ts";
import { invalidArgument } from "../lib/index.ts";

export type ImagePredicate = (image: ImageSummary) => boolean;

export function imagePredicate(filters: Filters, createdOf: (ref: string) => number): ImagePredicate {
  const checks: ImagePredicate[] = [];
  for (const [key, values] of filters) {
    for (const value of values) {
      switch (key) {
        case "dangling": {
          const dangling = filterBool(key, value);
          checks.push((img) => (img.RepoTags.length === 0) === dangling);
          break;
        }
        case "label":
          checks.push(labelPredicate(value));
          break;
        case "before": {
          const t = createdOf(value);
          checks.push((img) => img.Created < t);
          break;
        }
        case "since": {
          const t = createdOf(value);
          checks.push((img) => img.Created > t);
          break;
        }
        case "until": {
          const t = parseTimestamp(value);
          checks.push((img) => img.Created < t);
          break;
        }
      }
    }
  }
  return (img) => checks.every((check) => check(img));
}

export function labelPredicate(value: string): ImagePredicate {
  const eq = value.indexOf("=");
  const key = eq < 0 ? value : value.slice(0, eq);
  const want = eq < 0 ? undefined : value.slice(eq + 1);
  return (img) => key in img.Labels && (want === undefined || img.Labels[key] === want);
}

/**
 * The `reference` filter: several patterns are alternatives, each matching "repo:tag" or "repo"
 * (distribution's FamiliarMatch). As in moby, only the matching tags stay in RepoTags; an image
 * with none left is dropped. Returns the images unchanged when there is no such filter.
 */
export function filterReferences(images: ImageSummary[], filters: Filters): ImageSummary[] {
  const references = filters.get("reference") ?? [];
  if (references.length === 0) return images;
  const patterns = references.map(globToRegExp);
  const matches = (name: string, sep: string): boolean => {
    const repo = name.slice(0, name.lastIndexOf(sep));
    return patterns.some((p) => p.test(name) || p.test(repo));
  };
  return images.flatMap((img) => {
    const tags = img.RepoTags.filter((t) => matches(t, ":"));
    if (tags.length === 0) return [];
    return [{ ...img, RepoTags: tags, RepoDigests: img.RepoDigests.filter((d) => matches(d, "@")) }];
  });
}

/** Go's path.Match: `*` and `?` never cross "/", `[...]` classes. */
export function globToRegExp(pattern: string): RegExp {
  let re = "";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] ?? "";
    if (c === "*") re += "[^/]*";
    else if (c === "?") re += "[^/]";
    else if (c === "[") {
      const end = pattern.indexOf("]", i + 1);
      if (end < 0) throw invalidArgument("INVALID_FILTER", `invalid reference filter pattern: ${pattern}`);
      re += `[${pattern
        .slice(i + 1, end)
        .replace(/^\^/, "^")
        .replace(/\\/g, "\\\\")}]`;
      i = end;
    } else if (c === "\\" && i + 1 < pattern.length) re += `\\${pattern[++i]}`;
    else re += c.replace(/[.+^${}()|\]\\/]/g, "\\$&");
  }
  return new RegExp(`^${re}$`);
}

/** Docker's timestamp filter values: Unix seconds, RFC 3339, or a Go duration before now ("24h"). */
export function parseTimestamp(value: string): number {
  if (/^\d+(\.\d+)?$/.test(value)) return Number(value);
  const duration = /^(\d+(?:\.\d+)?)(ns|us|ms|s|m|h)$/.exec(value);
  if (duration) {
    const seconds = { ns: 1e-9, us: 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600 }[duration[2] as "s"];
    return Date.now() / 1000 - Number(duration[1]) * seconds;
  }
  const t = Date.parse(value);
  if (Number.isNaN(t))
    throw invalidArgument("INVALID_FILTER", `failed to parse value as time or duration: "${value}"`);
  return t / 1000;
}

// The `docker ps` filters moby's daemon/list.go accepts besides the common ones: publish and
// expose (`<port>[/<proto>]` or `<start>-<end>[/<proto>]`), is-task (berth runs no swarm tasks:
// true matches nothing, false everything) and isolation (a pattern over HostConfig.Isolation,
// "" on Linux). Swagger GET /containers/json "filters".
import type { ContainerConfig, HostConfig } from "../api/types/index.ts";
import { invalidArgument, parsePortRange } from "../lib/index.ts";

interface Listed {
  config: ContainerConfig;
  hostConfig: HostConfig;
}

/** "80", "80/udp", "8000-8002/tcp" → the "port/proto" keys they name. */
export function portFilterKeys(key: string, value: string): string[] {
  if (value.includes(":")) {
    throw invalidArgument("INVALID_FILTER", `filter for '${key}' should not contain ':': ${value}`);
  }
  const slash = value.indexOf("/");
  const ports = slash < 0 ? value : value.slice(0, slash);
  const proto = (slash < 0 ? "" : value.slice(slash + 1)) || "tcp";
  const range = parsePortRange(ports);
  if (range === undefined) {
    throw invalidArgument("INVALID_FILTER", `error while looking up for ${key} ${value}: invalid port range`);
  }
  const [start, end] = range;
  const keys: string[] = [];
  for (let p = start; p <= end; p++) keys.push(`${p}/${proto.toLowerCase()}`);
  return keys;
}

/** A predicate for one of the filters above; undefined for any other key. */
export function extraListFilter(
  key: string,
  values: readonly string[],
): ((c: Listed) => boolean) | undefined {
  switch (key) {
    case "publish": {
      const wanted = values.flatMap((v) => portFilterKeys(key, v));
      return (c) => {
        const published = new Set(Object.keys(c.hostConfig.PortBindings ?? {}));
        if (c.hostConfig.PublishAllPorts) {
          for (const p of Object.keys(c.config.ExposedPorts ?? {})) published.add(p);
        }
        return wanted.some((p) => published.has(p));
      };
    }
    case "expose": {
      const wanted = values.flatMap((v) => portFilterKeys(key, v));
      return (c) => wanted.some((p) => p in (c.config.ExposedPorts ?? {}));
    }
    case "is-task": {
      if (values.length !== 1 || (values[0] !== "true" && values[0] !== "false")) {
        throw invalidArgument("INVALID_FILTER", `Invalid filter 'is-task=${values.join(",")}'`);
      }
      const isTask = values[0] === "true";
      return () => !isTask;
    }
    case "isolation": {
      const patterns = values.map((v) => {
        try {
          return new RegExp(v);
        } catch {
          throw invalidArgument("INVALID_FILTER", `invalid filter 'isolation=${v}'`);
        }
      });
      return (c) => {
        const isolation = c.hostConfig.Isolation ?? "";
        return values.includes(isolation) || patterns.some((p) => p.test(isolation));
      };
    }
    default:
      return undefined;
  }
}

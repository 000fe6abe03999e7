// The RegistryBackend the routes call: pull, push and login, with the registry settings of
// daemon.json (read at each call, so a changed file applies without a restart) and image events.
import type { RegistryAuthConfig, RegistryBackend } from "../api/server/index.ts";
import type { ImageService } from "../image/index.ts";
import type { Logger } from "../lib/index.ts";
import { familiarString, parseNormalizedReference } from "../oci/index.ts";
import { checkLogin, removeStalePartials } from "../registry/client/index.ts";
import type { EventLog } from "./event-log.ts";
import { credentialsOf, pullImage, pullReference } from "./image-pull.ts";
import { pushImage } from "./image-push.ts";
import { loadRegistryConfig } from "./registry-config.ts";

export function createRegistryBackend(deps: {
  images: ImageService;
  configFile: string;
  events: EventLog;
  log: Logger;
}): RegistryBackend {
  const hosts = () => loadRegistryConfig(deps.configFile);
  // Partial layer downloads wait a day for a pull to resume them (containerd keeps leases 24 h).
  void removeStalePartials(deps.images.content, 24 * 60 * 60 * 1000).catch((err: unknown) =>
    deps.log.warn("removing stale partial downloads", { err }),
  );
  // Where blobs were seen, per registry: digest -> repositories (in memory; a miss only costs
  // an upload instead of a mount).
  const sources = new Map<string, Map<string, Set<string>>>();
  const blobSeen = (digest: string, domain: string, path: string): void => {
    const byDomain = sources.get(domain) ?? new Map<string, Set<string>>();
    sources.set(domain, byDomain);
    const set = byDomain.get(digest) ?? new Set<string>();
    byDomain.set(digest, set);
    set.add(path);
  };
  const blobSources = (digest: string, domain: string): string[] => [
    ...(sources.get(domain)?.get(digest) ?? []),
  ];
  return {
    async pullImage(request, progress) {
      await pullImage({ images: deps.images, hosts, log: deps.log, blobSeen }, request, progress);
      const { ref } = pullReference(request.fromImage, request.tag);
      deps.events.publish("image", "pull", familiarString(ref), { name: familiarString(ref) });
    },
    async pushImage(request, progress) {
      await pushImage({ images: deps.images, hosts, blobSources, blobSeen }, request, progress);
      const name = request.tag === "" ? request.name : `${request.name}:${request.tag}`;
      let shown = name;
      try {
        shown = familiarString(parseNormalizedReference(name));
      } catch {
        // already validated by pushImage
      }
      deps.events.publish("image", "push", shown, { name: shown });
    },
    async login(auth: RegistryAuthConfig) {
      return checkLogin(auth.serveraddress ?? "", credentialsOf(auth) ?? {}, hosts());
    },
  };
}

// Entry points: a repository on a registry, and the credential check behind `docker login`.
import { endpointsFor, type RegistryHostsConfig, DOCKER_HUB_DOMAIN } from "./registry-hosts.ts";
import { RemoteRepository } from "./remote-repository.ts";
import { type Credentials, RegistrySession } from "./registry-session.ts";

export function openRepository(
  domain: string,
  path: string,
  credentials: Credentials | undefined,
  push: boolean,
  config: RegistryHostsConfig,
): RemoteRepository {
  // Pushes never go to mirrors (mirrors are pull-through caches).
  const endpoints = endpointsFor(domain, config).filter((e) => !push || !e.mirror);
  return new RemoteRepository(new RegistrySession(endpoints, credentials), path, push);
}

/**
 * `POST /auth`: checks the credentials against the registry named by `serverAddress` (a host,
 * a URL, or Docker Hub's https://index.docker.io/v1/).
 */
export async function checkLogin(
  serverAddress: string,
  credentials: Credentials,
  config: RegistryHostsConfig,
): Promise<{ identityToken?: string }> {
  const domain = registryDomainOf(serverAddress);
  const endpoints = endpointsFor(domain, config).filter((e) => !e.mirror);
  return new RegistrySession(endpoints, credentials).login();
}

/** The registry host of a login server address (scheme and path dropped; Hub's names to docker.io). */
export function registryDomainOf(serverAddress: string): string {
  const s = serverAddress.trim();
  if (s === "") return DOCKER_HUB_DOMAIN;
  const host = /^[a-z]+:\/\//i.test(s) ? new URL(s).host : (s.split("/")[0] ?? s);
  if (host === "index.docker.io" || host === "registry-1.docker.io" || host === "docker.io")
    return DOCKER_HUB_DOMAIN;
  return host;
}

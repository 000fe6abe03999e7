// src/registry/client: the OCI distribution client (pull, push, auth) used by berthd.
export {
  type RegistryHostsConfig,
  type Endpoint,
  endpointsFor,
  isInsecure,
  DOCKER_HUB_DOMAIN,
  DOCKER_HUB_AUTH_KEY,
} from "./registry-hosts.ts";
export { type Credentials, RegistrySession } from "./registry-session.ts";
export { RemoteRepository, type FetchedManifest, MANIFEST_ACCEPT } from "./remote-repository.ts";
export { RegistryError, pullError } from "./registry-errors.ts";
export {
  downloadBlob,
  partialPath,
  removeStalePartials,
  type BlobTarget,
  type DownloadProgress,
} from "./blob-download.ts";
export { openRepository, checkLogin, registryDomainOf } from "./open-repository.ts";
export { parseWwwAuthenticate, type Challenge } from "./www-authenticate.ts";

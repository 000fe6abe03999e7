// src/registry/server: `berth registry serve`, an OCI distribution registry on disk.
export {
  startRegistryServer,
  parseListenAddress,
  type RegistryServerOptions,
  type RunningRegistry,
} from "./registry-server.ts";
export { RegistryStorage } from "./registry-storage.ts";

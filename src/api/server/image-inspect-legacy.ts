// The image inspect fields API v1.44 and older still carried (CHANGELOG v1.45: "GET
// /images/{name}/json no longer includes the Container and ContainerConfig fields").
// docker-compose 1.29 reads `ContainerConfig.Volumes` when it recreates a container and fails
// with KeyError when the field is missing, so clients pinned below 1.45 must get it.
import type { ImageInspect } from "../types/index.ts";

/** The zero container config Docker reports for images that record none. */
const EMPTY_CONTAINER_CONFIG = {
  Hostname: "",
  Domainname: "",
  User: "",
  AttachStdin: false,
  AttachStdout: false,
  AttachStderr: false,
  Tty: false,
  OpenStdin: false,
  StdinOnce: false,
  Env: null,
  Cmd: null,
  Image: "",
  Volumes: null,
  WorkingDir: "",
  Entrypoint: null,
  OnBuild: null,
  Labels: null,
};

/** `inspect` with `Container` and `ContainerConfig` added, as API < 1.45 answers. */
export function withLegacyImageFields(
  inspect: ImageInspect,
): ImageInspect & { Container: string; ContainerConfig: typeof EMPTY_CONTAINER_CONFIG } {
  return { ...inspect, Container: "", ContainerConfig: { ...EMPTY_CONTAINER_CONFIG } };
}

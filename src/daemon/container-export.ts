// `docker export` (GET /containers/{id}/export): the container's merged root filesystem as one
// tar stream (the container's own view, without its volumes, as Docker exports it).
import type { Readable } from "node:stream";
import { upperDirEntries, writeTar } from "../diff/index.ts";

/** A tar of the directory tree at `rootfs` (no whiteouts exist in a merged view). */
export function exportRootfs(rootfs: string): Readable {
  return writeTar(upperDirEntries(rootfs));
}

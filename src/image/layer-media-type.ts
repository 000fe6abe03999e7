// The media type of a layer blob that arrived without a descriptor (legacy docker save
// archives, docker import), from its magic bytes.
import { closeSync, openSync, readSync } from "node:fs";
import { detectCompression, invalidArgument } from "../lib/index.ts";
import { MediaType } from "../oci/index.ts";

export function sniffLayerMediaType(path: string): string {
  const head = Buffer.alloc(6);
  const fd = openSync(path, "r");
  try {
    readSync(fd, head, 0, head.length, 0);
  } finally {
    closeSync(fd);
  }
  const compression = detectCompression(head);
  if (compression === "gzip") return MediaType.ociLayerGzip;
  if (compression === "none") return MediaType.ociLayer;
  throw invalidArgument("UNSUPPORTED_COMPRESSION", `unsupported layer compression: ${compression}`);
}

// Turning names found in archives and requests into stored references, and back.
import { invalidReference } from "../../lib/index.ts";
import { familiarString, normalizedString, parseNormalizedReference } from "../../oci/index.ts";
import type { ImageRef } from "../image-store.ts";

/** The message shape streamed to clients (mirrors api/types JsonMessage without importing it). */
export interface JsonMessageLike {
  stream?: string;
  status?: string;
}

/** Parses familiar or full names ("busybox:latest", "docker.io/library/x:1") into references. */
export function namesToRefs(names: readonly string[], imageId: string): ImageRef[] {
  return names.map((name) => {
    const ref = parseNormalizedReference(name);
    if (ref.digest !== undefined && ref.tag === undefined) {
      return { name: normalizedString(ref, false), imageId, isDigest: true };
    }
    if (ref.digest !== undefined)
      throw invalidReference(name, "a tag and a digest together cannot name a loaded image");
    return { name: normalizedString(ref, true), imageId, isDigest: false };
  });
}

export function familiarOf(normalized: string): string {
  return familiarString(parseNormalizedReference(normalized));
}

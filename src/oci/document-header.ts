// The two fields manifests and indexes share: `schemaVersion` (always 2, manifest.md and
// manifest-v2-2.md) and `mediaType`, which says which of the two a document is.
import { schema1Unsupported, unsupportedMediaType } from "../lib/index.ts";
import { mediaTypeField } from "./descriptor.ts";
import type { JsonObject, JsonReader } from "./json-reader.ts";
import { isIndex, isManifest, isSchema1Manifest } from "./media-types.ts";

/** distribution's registry and containerd both refuse manifests and indexes above 4 MiB. */
export const MAX_MANIFEST_BYTES = 4 << 20;

export function checkSchemaVersion(reader: JsonReader, obj: JsonObject): 2 {
  const v = obj["schemaVersion"];
  if (v === 1) throw schema1Unsupported();
  if (v !== 2) reader.fail("schemaVersion", `expected 2, got ${JSON.stringify(v) ?? "nothing"}`);
  return 2;
}

/**
 * The document's own `mediaType`, else the type it was served or stored with when that is a
 * manifest type, else `fallback` (the caller's guess from the shape). The document wins: the hint
 * (an HTTP Content-Type, possibly a generic `application/json`) is only metadata.
 */
export function documentMediaType(
  reader: JsonReader,
  obj: JsonObject,
  hint: string | undefined,
  fallback: string,
): string {
  const own = mediaTypeField(reader, obj, "mediaType", "");
  const hinted = hint?.split(";")[0]?.trim() ?? "";
  const useful = isManifest(hinted) || isIndex(hinted) || isSchema1Manifest(hinted);
  const mediaType = own ?? (useful ? hinted : fallback);
  if (isSchema1Manifest(mediaType) || obj["schemaVersion"] === 1) throw schema1Unsupported();
  if (!isManifest(mediaType) && !isIndex(mediaType)) throw unsupportedMediaType(mediaType);
  return mediaType;
}

// Image indexes: OCI image-index.md and Docker's manifest list (manifest-v2-2.md "Manifest List")
// share one shape; Docker lacks annotations and urls.
import { parseDescriptor, mediaTypeField, type Descriptor } from "./descriptor.ts";
import { checkSchemaVersion, documentMediaType, MAX_MANIFEST_BYTES } from "./document-header.ts";
import { JsonReader, compact, type JsonObject } from "./json-reader.ts";
import { manifestFromJson, type ImageManifest, type ParseDocumentOptions } from "./manifest.ts";
import { isManifest, MediaType, type IndexMediaType } from "./media-types.ts";

export interface ImageIndex {
  schemaVersion: 2;
  /** The document's mediaType, else the hint it was parsed with, else the OCI index type. */
  mediaType: IndexMediaType;
  artifactType?: string;
  /** May be empty (image-index.md). Entries of unknown media types are kept, not rejected. */
  manifests: Descriptor[];
  subject?: Descriptor;
  annotations?: Record<string, string>;
}

export function parseIndex(input: Uint8Array | string, options: ParseDocumentOptions = {}): ImageIndex {
  const reader = new JsonReader("image index");
  const obj = reader.parse(input, options.maxBytes ?? MAX_MANIFEST_BYTES);
  const fallback = "config" in obj && !("manifests" in obj) ? MediaType.ociManifest : MediaType.ociIndex;
  const mediaType = documentMediaType(reader, obj, options.mediaType, fallback);
  if (isManifest(mediaType)) reader.fail("mediaType", `${mediaType} is an image manifest, not an index`);
  return indexFromJson(reader, obj, mediaType as IndexMediaType);
}

function indexFromJson(reader: JsonReader, obj: JsonObject, mediaType: IndexMediaType): ImageIndex {
  checkSchemaVersion(reader, obj);
  return compact({
    schemaVersion: 2 as const,
    mediaType,
    artifactType: mediaTypeField(reader, obj, "artifactType", ""),
    manifests: reader
      .array(obj, "manifests", "")
      .map((m, i) => parseDescriptor(m, reader, `manifests[${i}]`)),
    subject: obj["subject"] == null ? undefined : parseDescriptor(obj["subject"], reader, "subject"),
    annotations: reader.optStringMap(obj, "annotations", ""),
  });
}

export type ManifestOrIndex =
  { kind: "manifest"; manifest: ImageManifest } | { kind: "index"; index: ImageIndex };

/**
 * Parses what a tag resolves to, which may be either. The kind comes from the document's mediaType,
 * else from `options.mediaType`, else from its shape (`manifests` means an index).
 */
export function parseManifestOrIndex(
  input: Uint8Array | string,
  options: ParseDocumentOptions = {},
): ManifestOrIndex {
  const reader = new JsonReader("manifest");
  const obj = reader.parse(input, options.maxBytes ?? MAX_MANIFEST_BYTES);
  const fallback = "manifests" in obj && !("config" in obj) ? MediaType.ociIndex : MediaType.ociManifest;
  const mediaType = documentMediaType(reader, obj, options.mediaType, fallback);
  if (isManifest(mediaType)) {
    return { kind: "manifest", manifest: manifestFromJson(new JsonReader("image manifest"), obj, mediaType) };
  }
  return {
    kind: "index",
    index: indexFromJson(new JsonReader("image index"), obj, mediaType as IndexMediaType),
  };
}

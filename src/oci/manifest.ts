// Image manifests: OCI manifest.md and Docker's Image Manifest V2, Schema 2 share one shape
// (media-types.md "Compatibility Matrix"; Docker lacks only annotations, urls on config, subject).
import { unsupportedMediaType } from "../lib/index.ts";
import { parseDescriptor, mediaTypeField, type Descriptor } from "./descriptor.ts";
import { checkSchemaVersion, documentMediaType, MAX_MANIFEST_BYTES } from "./document-header.ts";
import { JsonReader, compact, type JsonObject } from "./json-reader.ts";
import { isImageConfig, isIndex, isLayer, MediaType, type ManifestMediaType } from "./media-types.ts";

export interface ImageManifest {
  schemaVersion: 2;
  /** The document's mediaType, else the hint it was parsed with, else the OCI manifest type. */
  mediaType: ManifestMediaType;
  artifactType?: string;
  config: Descriptor;
  layers: Descriptor[];
  subject?: Descriptor;
  annotations?: Record<string, string>;
}

export interface ParseDocumentOptions {
  /** The media type the bytes came with (registry Content-Type, parent descriptor). */
  mediaType?: string;
  maxBytes?: number;
}

/**
 * Parses and validates an image manifest. The returned object is a typed view: digests are always
 * computed over the original bytes, never over a re-serialisation of this.
 */
export function parseManifest(input: Uint8Array | string, options: ParseDocumentOptions = {}): ImageManifest {
  const reader = new JsonReader("image manifest");
  const obj = reader.parse(input, options.maxBytes ?? MAX_MANIFEST_BYTES);
  const fallback = "manifests" in obj && !("config" in obj) ? MediaType.ociIndex : MediaType.ociManifest;
  const mediaType = documentMediaType(reader, obj, options.mediaType, fallback);
  if (isIndex(mediaType)) reader.fail("mediaType", `${mediaType} is an image index, not a manifest`);
  return manifestFromJson(reader, obj, mediaType as ManifestMediaType);
}

/** The fields of a manifest whose media type is already settled. */
export function manifestFromJson(
  reader: JsonReader,
  obj: JsonObject,
  mediaType: ManifestMediaType,
): ImageManifest {
  checkSchemaVersion(reader, obj);
  return compact({
    schemaVersion: 2 as const,
    mediaType,
    artifactType: mediaTypeField(reader, obj, "artifactType", ""),
    config: parseDescriptor(reader.object(obj["config"], "config"), reader, "config"),
    layers: reader.array(obj, "layers", "").map((l, i) => parseDescriptor(l, reader, `layers[${i}]`)),
    subject: obj["subject"] == null ? undefined : parseDescriptor(obj["subject"], reader, "subject"),
    annotations: reader.optStringMap(obj, "annotations", ""),
  });
}

/**
 * Throws unless a container can be made from the manifest: an image config and only layer types
 * berth unpacks. Storing or copying must not call this (manifest.md forbids erroring on unknown
 * types there); unpacking must.
 */
export function assertRunnable(manifest: ImageManifest): void {
  if (!isImageConfig(manifest.config.mediaType)) throw unsupportedMediaType(manifest.config.mediaType);
  for (const layer of manifest.layers) {
    if (!isLayer(layer.mediaType)) throw unsupportedMediaType(layer.mediaType);
  }
}

// Media types of the OCI image spec (media-types.md) and of Docker's Image Manifest V2, Schema 2
// (docker-distribution/manifest-v2-2.md "Media Types"), with the few questions callers ask of them.

export const MediaType = {
  // OCI image-spec media-types.md
  ociDescriptor: "application/vnd.oci.descriptor.v1+json",
  ociLayoutHeader: "application/vnd.oci.layout.header.v1+json",
  ociIndex: "application/vnd.oci.image.index.v1+json",
  ociManifest: "application/vnd.oci.image.manifest.v1+json",
  ociConfig: "application/vnd.oci.image.config.v1+json",
  ociLayer: "application/vnd.oci.image.layer.v1.tar",
  ociLayerGzip: "application/vnd.oci.image.layer.v1.tar+gzip",
  ociLayerZstd: "application/vnd.oci.image.layer.v1.tar+zstd",
  ociEmpty: "application/vnd.oci.empty.v1+json",
  // Deprecated "non-distributable" layers (layer.md): still pulled and unpacked, never pushed.
  ociLayerNondistributable: "application/vnd.oci.image.layer.nondistributable.v1.tar",
  ociLayerNondistributableGzip: "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip",
  ociLayerNondistributableZstd: "application/vnd.oci.image.layer.nondistributable.v1.tar+zstd",

  // Docker Image Manifest V2, Schema 2
  dockerManifest: "application/vnd.docker.distribution.manifest.v2+json",
  dockerManifestList: "application/vnd.docker.distribution.manifest.list.v2+json",
  dockerConfig: "application/vnd.docker.container.image.v1+json",
  dockerLayer: "application/vnd.docker.image.rootfs.diff.tar",
  dockerLayerGzip: "application/vnd.docker.image.rootfs.diff.tar.gzip",
  dockerLayerZstd: "application/vnd.docker.image.rootfs.diff.tar.zstd",
  dockerForeignLayerGzip: "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip",
  dockerPluginConfig: "application/vnd.docker.plugin.v1+json",

  // Docker schema 1: removed from docker; recognised only to refuse it with a clear message.
  dockerSchema1Manifest: "application/vnd.docker.distribution.manifest.v1+json",
  dockerSchema1SignedManifest: "application/vnd.docker.distribution.manifest.v1+prettyjws",
} as const;

export type KnownMediaType = (typeof MediaType)[keyof typeof MediaType];

export type ManifestMediaType = typeof MediaType.ociManifest | typeof MediaType.dockerManifest;
export type IndexMediaType = typeof MediaType.ociIndex | typeof MediaType.dockerManifestList;
export type LayerCompression = "none" | "gzip" | "zstd";

const LAYERS: ReadonlyMap<string, LayerCompression> = new Map<string, LayerCompression>([
  [MediaType.ociLayer, "none"],
  [MediaType.ociLayerGzip, "gzip"],
  [MediaType.ociLayerZstd, "zstd"],
  [MediaType.ociLayerNondistributable, "none"],
  [MediaType.ociLayerNondistributableGzip, "gzip"],
  [MediaType.ociLayerNondistributableZstd, "zstd"],
  [MediaType.dockerLayer, "none"],
  [MediaType.dockerLayerGzip, "gzip"],
  [MediaType.dockerLayerZstd, "zstd"],
  [MediaType.dockerForeignLayerGzip, "gzip"],
]);

export function isManifest(mediaType: string): mediaType is ManifestMediaType {
  return mediaType === MediaType.ociManifest || mediaType === MediaType.dockerManifest;
}

export function isIndex(mediaType: string): mediaType is IndexMediaType {
  return mediaType === MediaType.ociIndex || mediaType === MediaType.dockerManifestList;
}

export function isSchema1Manifest(mediaType: string): boolean {
  return mediaType === MediaType.dockerSchema1Manifest || mediaType === MediaType.dockerSchema1SignedManifest;
}

/** An image config a container can be created from (not an artifact's config). */
export function isImageConfig(mediaType: string): boolean {
  return mediaType === MediaType.ociConfig || mediaType === MediaType.dockerConfig;
}

export function isLayer(mediaType: string): boolean {
  return LAYERS.has(mediaType);
}

/** Foreign and non-distributable layers may be pulled but must never be pushed (layer.md). */
export function isNonDistributableLayer(mediaType: string): boolean {
  return (
    mediaType === MediaType.dockerForeignLayerGzip ||
    mediaType === MediaType.ociLayerNondistributable ||
    mediaType === MediaType.ociLayerNondistributableGzip ||
    mediaType === MediaType.ociLayerNondistributableZstd
  );
}

/** The compression of a layer media type, or undefined when it is not a layer type. */
export function layerCompression(mediaType: string): LayerCompression | undefined {
  return LAYERS.get(mediaType);
}

// RFC 6838 section 4.2 restricted-name, for both type and subtype.
const RESTRICTED_NAME = "[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}";
const MEDIA_TYPE_RE = new RegExp(`^${RESTRICTED_NAME}/${RESTRICTED_NAME}$`);

/** Whether `s` is syntactically a media type (descriptor.md requires RFC 6838 names). */
export function isValidMediaType(s: string): boolean {
  return MEDIA_TYPE_RE.test(s);
}

// src/oci: the OCI image-spec and Docker schema-2 formats as pure types and validators (no I/O).
export {
  MediaType,
  isManifest,
  isIndex,
  isSchema1Manifest,
  isImageConfig,
  isLayer,
  isNonDistributableLayer,
  layerCompression,
  isValidMediaType,
  type KnownMediaType,
  type ManifestMediaType,
  type IndexMediaType,
  type LayerCompression,
} from "./media-types.ts";
export {
  parseDigest,
  isDigest,
  isSha256Digest,
  isHex64,
  sha256Of,
  digestHex,
  shortId,
  type Digest,
  type ParsedDigest,
} from "./digest.ts";
export { chainId, chainIds } from "./chain-id.ts";
export { parseDescriptor, type Descriptor } from "./descriptor.ts";
export { MAX_MANIFEST_BYTES } from "./document-header.ts";
export { parseManifest, assertRunnable, type ImageManifest, type ParseDocumentOptions } from "./manifest.ts";
export { parseIndex, parseManifestOrIndex, type ImageIndex, type ManifestOrIndex } from "./image-index.ts";
export {
  parseImageConfig,
  MAX_CONFIG_BYTES,
  type ImageConfig,
  type ImageRunConfig,
  type HealthConfig,
  type HistoryEntry,
  type RootFs,
} from "./image-config.ts";
export {
  parseReference,
  parseNormalizedReference,
  parseDockerReference,
  parseAnyReference,
  withDefaultTag,
  isNameOnly,
  normalizedName,
  normalizedString,
  familiarName,
  familiarString,
  DEFAULT_DOMAIN,
  DEFAULT_TAG,
  type Reference,
  type AnyReference,
} from "./reference.ts";
export {
  hostPlatform,
  parsePlatform,
  formatPlatform,
  normalizePlatform,
  normalizeArch,
  normalizeOs,
  isKnownOs,
  isKnownArch,
  type Platform,
} from "./platform.ts";
export {
  platformEquals,
  compatiblePlatforms,
  isAttestationManifest,
  selectManifests,
  selectManifest,
} from "./platform-match.ts";

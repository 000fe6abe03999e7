// Image fixtures built without any daemon: layer tars, `docker save` archives (Docker 25+ OCI
// shape and the legacy shape), OCI image layouts, and the means to break them. This file is
// the one import for tests; each concept lives in its own module.
export {
  DEFAULT_MTIME,
  describeLayerFile,
  dirEntry,
  fileEntry,
  hardlinkEntry,
  hostFileEntry,
  makeLayerTar,
  opaqueEntry,
  symlinkEntry,
  toTarMember,
  whiteoutEntry,
} from "./layer-tar.ts";
export type { EntryMeta, LayerBlob, LayerEntry, LayerTarOptions } from "./layer-tar.ts";
export { makeDockerArchive } from "./docker-archive.ts";
export type {
  ArchiveLayer,
  BuiltArchiveImage,
  BuiltDockerArchive,
  DockerArchiveImage,
  DockerArchiveOptions,
  DockerManifestItem,
} from "./docker-archive.ts";
export { makeOciLayout } from "./oci-layout.ts";
export type {
  BuiltOciEntry,
  BuiltOciImage,
  BuiltOciLayout,
  OciImageEntry,
  OciIndexEntry,
  OciLayoutOptions,
} from "./oci-layout.ts";
export { MEDIA_TYPES } from "./image-blobs.ts";
export type { Descriptor, ImageSpec, LayerSpec, MediaTypeFamily } from "./image-blobs.ts";
export {
  DEFAULT_CREATED,
  DEFAULT_PATH_ENV,
  buildImageConfig,
  chainIds,
  hostPlatform,
  parseRepoTag,
} from "./image-config.ts";
export type {
  ContainerConfig,
  HistoryEntry,
  ImageConfig,
  ImageConfigInput,
  Platform,
} from "./image-config.ts";
export {
  appendTarEntries,
  corruptArchiveMember,
  editArchive,
  flipByte,
  hostileEntries,
  removeArchiveMember,
  rewriteManifest,
  setDescriptorSize,
  truncateArchiveMember,
  truncateFile,
} from "./archive-tamper.ts";
export { sha256Digest, sha256File } from "./file-digest.ts";
export { extractTar, listTar, packDirectory } from "./tar-directory.ts";

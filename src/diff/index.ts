// Layer changesets: tar reading and writing, and applying a layer to an overlayfs layer dir.
export type { ApplyLayerResult, LayerSource } from "./apply-layer-in-process.ts";
export { GrowingFileProgress } from "./growing-file.ts";
export { applyLayerInProcess } from "./apply-layer-in-process.ts";
export type { ApplyLayerOptions } from "./apply-layer.ts";
export { applyLayer, closeLayerWorkers } from "./apply-layer.ts";
export { openLayerBlob } from "./decompress.ts";
export { OPAQUE_XATTR } from "./layer-extractor.ts";
export type { TarEntry } from "./read-tar.ts";
export { readTar } from "./read-tar.ts";
export type { TarEntryType, TarHeader } from "./tar-header.ts";
export type { TarSink } from "./tar-parser.ts";
export { TarParser } from "./tar-parser.ts";
export type { TarWriteCommon, TarWriteEntry } from "./write-tar.ts";
export { writeTar } from "./write-tar.ts";
export type { LayerDigester } from "./layer-digester.ts";
export { InlineDigester } from "./layer-digester.ts";
export type { LayerWorkerPoolOptions } from "./layer-worker-pool.ts";
export { LayerWorkerPool } from "./layer-worker-pool.ts";

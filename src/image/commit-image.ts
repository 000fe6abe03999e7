// A new image on top of an existing one (or of nothing): `docker commit` and each step of the
// builder. The new layer (if any) arrives as an uncompressed tar written by the caller; it is
// gzipped into the content store while its diff ID is computed, unpacked into a snapshot keyed
// by its chain ID (so it is shared with a pulled or loaded image holding the same layers), and
// the config (OCI image-spec config.md: rootfs.diff_ids, history) and manifest are written. The
// image and its names are recorded in one transaction; a failure leaves nothing behind (GC).
import { createHash } from "node:crypto";
import { Transform, type Writable } from "node:stream";
import { constants as zlib, createGzip } from "node:zlib";
import {
  hostPlatform,
  MediaType,
  type HistoryEntry,
  type ImageConfig,
  type ImageRunConfig,
} from "../oci/index.ts";
import { namesToRefs } from "./archive/names.ts";
import { recordImage } from "./record-image.ts";
import type { ImageService, LayerSource } from "./image-service.ts";

export interface CommitImageRequest {
  /** Image ID to build on; undefined for an image from scratch. */
  parent?: string;
  /**
   * Writes the new layer's uncompressed tar to `out` (and ends it); undefined when the step
   * changed no files (its history entry is then marked empty_layer).
   */
  writeLayer?: (out: Writable) => Promise<unknown>;
  /** The new image's execution config (config.md `config`). */
  config: ImageRunConfig;
  /** The history entry for this step; `created` defaults to now. */
  history: HistoryEntry;
  author?: string;
  comment?: string;
  /** "repo[:tag]" names to point at the new image. */
  names?: readonly string[];
  /** Fixed creation time (RFC 3339); defaults to now. */
  created?: string;
}

export interface CommittedImage {
  id: string;
  /** The new layer's diff ID, when one was made. */
  diffId?: string;
}

export async function commitImage(
  service: ImageService,
  request: CommitImageRequest,
): Promise<CommittedImage> {
  const names = request.names ?? [];
  namesToRefs(names, ""); // bad names fail before any work
  const lease = service.leases.acquire();
  let committed = false;
  try {
    const parent = request.parent === undefined ? undefined : service.resolve(request.parent);
    const parentConfig = parent === undefined ? undefined : await service.config(parent.id);
    const layers: LayerSource[] = (parent?.layers ?? []).map((l) => ({
      blobDigest: l.blobDigest,
      blobMediaType: l.blobMediaType,
      blobSize: l.blobSize,
      diffId: l.diffId,
    }));
    let diffId: string | undefined;
    if (request.writeLayer !== undefined) {
      const layer = await storeLayer(service, request.writeLayer);
      lease.addBlob(layer.blobDigest);
      layers.push(layer);
      diffId = layer.diffId;
    }
    const { records, size } = await service.unpack(layers, lease);
    const created = request.created ?? new Date().toISOString();
    const platform = hostPlatform();
    const history: HistoryEntry = {
      created,
      ...request.history,
      ...(request.writeLayer === undefined ? { empty_layer: true } : {}),
    };
    const config: ImageConfig = {
      architecture: parentConfig?.architecture ?? platform.architecture,
      os: parentConfig?.os ?? "linux",
      ...(parentConfig?.variant
        ? { variant: parentConfig.variant }
        : parentConfig === undefined && platform.variant
          ? { variant: platform.variant }
          : {}),
      created,
      ...(request.author ? { author: request.author } : {}),
      ...(request.comment ? { comment: request.comment } : {}),
      config: request.config,
      rootfs: { type: "layers", diff_ids: layers.map((l) => l.diffId) as ImageConfig["rootfs"]["diff_ids"] },
      history: [...(parentConfig?.history ?? []), history],
    };
    const configDigest = await recordImage(service, { config, layers, records, size, names }, lease);
    committed = true;
    return { id: configDigest, ...(diffId !== undefined ? { diffId } : {}) };
  } finally {
    lease.release();
    if (!committed)
      await service.gc().catch((err: unknown) => service.log.warn("gc after failed commit", { err }));
  }
}

/** Gzips the tar the caller writes into the content store, hashing the uncompressed bytes. */
async function storeLayer(
  service: ImageService,
  writeLayer: (out: Writable) => Promise<unknown>,
): Promise<LayerSource> {
  const hash = createHash("sha256");
  // Speed over ratio, as for a local layer; pushes may recompress later.
  const gzip = createGzip({ level: zlib.Z_BEST_SPEED });
  const tap = new Transform({
    transform(chunk: Buffer, _enc, done) {
      hash.update(chunk);
      done(null, chunk);
    },
  });
  tap.pipe(gzip);
  tap.on("error", (err) => gzip.destroy(err));
  const ingest = service.content.ingest(gzip);
  try {
    await writeLayer(tap);
  } catch (err) {
    gzip.destroy(err as Error);
    await ingest.catch(() => undefined);
    throw err;
  }
  const blob = await ingest;
  return {
    blobDigest: blob.digest,
    blobMediaType: MediaType.ociLayerGzip,
    blobSize: blob.size,
    diffId: `sha256:${hash.digest("hex")}`,
  };
}

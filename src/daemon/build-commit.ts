// One build step's image: the parent's layers (plus the step's new layer, or a layer reused from
// a --cache-from image), the run config, and a history entry, recorded like any other image.
import { type TarWriteEntry, writeTar } from "../diff/index.ts";
import type { LayerRecord } from "../image/index.ts";
import { invalidArgument } from "../lib/index.ts";
import {
  type HistoryEntry,
  type ImageConfig,
  type ImageRunConfig,
  MediaType,
  sha256Of,
} from "../oci/index.ts";
import type { BuildDeps, BuildLease, Built } from "./build-types.ts";

export async function commitImage(
  deps: BuildDeps,
  lease: BuildLease,
  parent: Built,
  runConfig: ImageRunConfig,
  layerEntries: Iterable<TarWriteEntry> | AsyncIterable<TarWriteEntry> | undefined,
  createdBy: string,
  emptyLayer: boolean,
  author?: string,
  restored?: { layer?: LayerRecord; entry: HistoryEntry },
): Promise<Built> {
  const images = deps.images;
  const layers = (parent.image?.layers ?? []).map((l) => ({
    blobDigest: l.blobDigest,
    blobMediaType: l.blobMediaType,
    blobSize: l.blobSize,
    diffId: l.diffId,
  }));
  if (restored?.layer) {
    const { chainId: _chainId, ...source } = restored.layer;
    layers.push(source);
  } else if (layerEntries !== undefined && !emptyLayer) {
    const blob = await images.content.ingest(writeTar(layerEntries) as AsyncIterable<Buffer> as never);
    lease.addBlob(blob.digest);
    layers.push({
      blobDigest: blob.digest,
      blobMediaType: MediaType.ociLayer,
      blobSize: blob.size,
      diffId: blob.digest,
    });
  }
  const { records, size } = await images.unpack(layers, lease);
  const now = new Date().toISOString();
  const config: ImageConfig = {
    ...structuredClone(parent.config),
    created: now,
    ...(author ? { author } : {}),
    config: structuredClone(runConfig),
    rootfs: { type: "layers", diff_ids: layers.map((l) => l.diffId) },
    history: [
      ...(parent.config.history ?? []),
      ...(restored ? [restored.entry] : []),
      ...(restored || (createdBy === "" && emptyLayer)
        ? []
        : [{ created: now, created_by: createdBy, ...(emptyLayer ? { empty_layer: true } : {}) }]),
    ],
  };
  delete config.id;
  delete config.parent;
  delete config.container;
  delete config.container_config;
  const bytes = Buffer.from(JSON.stringify(config));
  const digest = sha256Of(bytes);
  await images.content.writeBuffer(bytes, digest);
  lease.addBlob(digest);
  const manifest = await images.writeManifest(digest, layers, lease);
  await images.commit([
    {
      configDigest: digest,
      config,
      manifestDigest: manifest.digest,
      manifestMediaType: manifest.mediaType,
      layers: records,
      size,
      names: [],
      ...(parent.image ? { parent: parent.image.id } : {}),
    },
  ]);
  const image = images.find(digest);
  if (!image) throw invalidArgument("BUILD_COMMIT", "image vanished after commit");
  return { image, config };
}

// `docker load`: store an archive's blobs, unpack its layers, then record all its images and
// names in one transaction. A failure (or crash) before that transaction leaves no image; the
// blobs and snapshots it wrote are collected right away (or by the next start's GC).
import { type JsonMessageLike, familiarOf, namesToRefs } from "./names.ts";
import type { ImageService, NewImage } from "../image-service.ts";
import { parseImageConfig } from "../../oci/index.ts";
import { invalidArchive } from "../../lib/index.ts";
import { planArchive } from "./plan-archive.ts";
import { readArchive } from "./read-archive.ts";
import { EarlyUnpacks } from "../early-unpacks.ts";

const MAX_CONFIG = 8 * 1024 * 1024;

export async function loadArchive(
  service: ImageService,
  source: AsyncIterable<Buffer>,
  progress: (msg: JsonMessageLike) => void,
): Promise<void> {
  const lease = service.leases.acquire();
  // New layers are flushed once the image is recorded, not while the manifest and the database
  // commit make their own (small) fsyncs.
  const releaseFlushes = service.snapshots.holdFlushes();
  const early = new EarlyUnpacks(service.snapshots);
  let committed = false;
  try {
    const files = await readArchive(source, service.content, lease, early);
    const plans = await planArchive(files, service.content, lease);
    const images: NewImage[] = [];
    for (const plan of plans) {
      const config = parseImageConfig(await service.content.readBuffer(plan.configDigest, MAX_CONFIG));
      const diffIds = config.rootfs.diff_ids;
      if (diffIds.length !== plan.layers.length) {
        throw invalidArchive(
          `image ${plan.configDigest} has ${plan.layers.length} layers but its config lists ${diffIds.length} diff IDs`,
        );
      }
      const layers = plan.layers.map((l, i) => ({
        blobDigest: l.digest,
        blobMediaType: l.mediaType,
        blobSize: l.size,
        diffId: diffIds[i] ?? "",
      }));
      const { records, size } = await service.unpack(layers, lease, early);
      const manifest = plan.manifest ?? (await service.writeManifest(plan.configDigest, layers, lease));
      images.push({
        configDigest: plan.configDigest,
        config,
        manifestDigest: manifest.digest,
        manifestMediaType: manifest.mediaType,
        layers: records,
        size,
        names: namesToRefs(plan.names, plan.configDigest),
      });
    }
    const moved = await service.commit(images);
    committed = true;
    for (const [name, oldId] of moved) {
      progress({
        stream: `The image ${familiarOf(name)} already exists, renaming the old one with ID ${oldId} to empty string\n`,
      });
    }
    for (const image of images) {
      if (image.names.length === 0) progress({ stream: `Loaded image ID: ${image.configDigest}\n` });
      for (const ref of image.names) progress({ stream: `Loaded image: ${familiarOf(ref.name)}\n` });
    }
  } finally {
    // After the response is on its way: starting the flush forks `sync`, a few ms of main thread.
    setImmediate(releaseFlushes);
    await early.discardAll();
    lease.release();
    if (!committed) {
      await service.gc().catch((err: unknown) => service.log.warn("gc after failed load", { err }));
    }
  }
}

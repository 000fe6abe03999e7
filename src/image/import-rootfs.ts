// `docker import`: a root filesystem tarball (plain or gzip) becomes a one-layer image. The
// upload is stored as the layer blob as it came, unpacked (which yields its diff ID), and given
// a config built from --change and -m the way Docker builds it.
import { hostPlatform, type ImageConfig } from "../oci/index.ts";
import { namesToRefs, type JsonMessageLike } from "./archive/names.ts";
import { applyChanges } from "./import-changes.ts";
import { recordImage } from "./record-image.ts";
import type { ImageService } from "./image-service.ts";
import { sniffLayerMediaType } from "./layer-media-type.ts";

export interface ImportRequest {
  /** "repo" or "repo:tag" or "" for an untagged image */
  name: string;
  changes: readonly string[];
  message: string;
}

export async function importRootfs(
  service: ImageService,
  source: AsyncIterable<Buffer>,
  request: ImportRequest,
  progress: (msg: JsonMessageLike) => void,
): Promise<string> {
  const lease = service.leases.acquire();
  let committed = false;
  try {
    const names = request.name === "" ? [] : [request.name];
    namesToRefs(names, ""); // validate the name before reading a byte of the upload
    const blob = await service.content.ingest(source);
    lease.addBlob(blob.digest);
    const mediaType = sniffLayerMediaType(service.content.path(blob.digest));
    // The chain ID of the single layer is its diff ID, so it is needed before unpacking.
    const diffId = await service.diffIdOf(blob.digest);
    const layers = [{ blobDigest: blob.digest, blobMediaType: mediaType, blobSize: blob.size, diffId }];
    const { records, size } = await service.unpack(layers, lease);
    const now = new Date().toISOString();
    const platform = hostPlatform();
    const config: ImageConfig = {
      architecture: platform.architecture,
      os: "linux",
      ...(platform.variant ? { variant: platform.variant } : {}),
      created: now,
      config: applyChanges({}, request.changes),
      rootfs: { type: "layers", diff_ids: [diffId] },
      history: [{ created: now, created_by: "", comment: request.message || "Imported from -" }],
    };
    const configDigest = await recordImage(service, { config, layers, records, size, names }, lease);
    committed = true;
    progress({ status: configDigest });
    return configDigest;
  } finally {
    lease.release();
    if (!committed)
      await service.gc().catch((err: unknown) => service.log.warn("gc after failed import", { err }));
  }
}

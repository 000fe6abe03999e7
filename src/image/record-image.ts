// The last steps every locally made image shares (`docker import`, `docker commit`, each build
// step): store its config, write its manifest, and record the image with its names in one
// transaction. Returns the image ID (the config's digest).
import { sha256Of, type ImageConfig } from "../oci/index.ts";
import { namesToRefs } from "./archive/names.ts";
import type { ImageService, LayerSource } from "./image-service.ts";
import type { LayerRecord } from "./image-store.ts";
import type { Lease } from "./leases.ts";

export interface NewLocalImage {
  config: ImageConfig;
  /** The layers as unpack() took them, and what it returned for them. */
  layers: readonly LayerSource[];
  records: LayerRecord[];
  size: number;
  /** "repo[:tag]" names to point at the image. */
  names: readonly string[];
}

export async function recordImage(
  service: ImageService,
  image: NewLocalImage,
  lease: Lease,
): Promise<string> {
  const configBytes = Buffer.from(JSON.stringify(image.config));
  const configDigest = sha256Of(configBytes);
  await service.content.writeBuffer(configBytes, configDigest);
  lease.addBlob(configDigest);
  const manifest = await service.writeManifest(configDigest, image.layers, lease);
  await service.commit([
    {
      configDigest,
      config: image.config,
      manifestDigest: manifest.digest,
      manifestMediaType: manifest.mediaType,
      layers: image.records,
      size: image.size,
      names: namesToRefs(image.names, configDigest),
    },
  ]);
  return configDigest;
}

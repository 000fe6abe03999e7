// Writes the content-addressed pieces of an image (layers, config, manifest) into a staging
// `blobs/sha256/` directory. Shared by the docker-archive and OCI-layout builders.
import { copyFile, mkdir, mkdtemp, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { createReadStream, createWriteStream } from "node:fs";
import { pipeline } from "node:stream/promises";
import { createGunzip } from "node:zlib";
import { digestHex, gzipFile, sha256Digest } from "./file-digest.ts";
import { buildImageConfig, configPlatform } from "./image-config.ts";
import type { ImageConfig, ImageConfigInput, Platform } from "./image-config.ts";
import { describeLayerFile, makeLayerTar } from "./layer-tar.ts";
import type { LayerBlob, LayerEntry } from "./layer-tar.ts";

/**
 * A layer of a fixture image: entries to write, or an existing tar / tar.gz. `gzip` asks for
 * a compressed (true) or plain (false) blob; left out, entries give a plain tar and files stay
 * as they are.
 */
export type LayerSpec =
  | LayerEntry[]
  | { entries: LayerEntry[]; gzip?: boolean; createdBy?: string }
  | { tarPath: string; gzip?: boolean; createdBy?: string };

export interface ImageSpec {
  layers: LayerSpec[];
  config?: ImageConfigInput;
}

export type MediaTypeFamily = "oci" | "docker";

export const MEDIA_TYPES = {
  oci: {
    index: "application/vnd.oci.image.index.v1+json",
    manifest: "application/vnd.oci.image.manifest.v1+json",
    config: "application/vnd.oci.image.config.v1+json",
    layer: "application/vnd.oci.image.layer.v1.tar",
    layerGzip: "application/vnd.oci.image.layer.v1.tar+gzip",
  },
  docker: {
    index: "application/vnd.docker.distribution.manifest.list.v2+json",
    manifest: "application/vnd.docker.distribution.manifest.v2+json",
    config: "application/vnd.docker.container.image.v1+json",
    layer: "application/vnd.docker.image.rootfs.diff.tar",
    layerGzip: "application/vnd.docker.image.rootfs.diff.tar.gzip",
  },
} as const;

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  platform?: Platform;
  annotations?: Record<string, string>;
}

/** A blob written under `<stage>/blobs/sha256/`; `member` is its path inside the archive. */
export interface StagedBlob {
  digest: string;
  size: number;
  member: string;
}

export interface StagedLayer extends LayerBlob, StagedBlob {
  mediaType: string;
}

/** An image written into the staging directory. `id` is the config digest (Docker's image ID). */
export interface StagedImage {
  id: string;
  config: ImageConfig;
  configBlob: StagedBlob;
  layers: StagedLayer[];
  manifest: StagedBlob & { mediaType: string; platform: Platform };
}

export function blobMember(digest: string): string {
  return `blobs/sha256/${digestHex(digest)}`;
}

/** Writes bytes as a blob named by their digest. */
export async function writeBlob(stage: string, data: Uint8Array | string): Promise<StagedBlob> {
  const bytes = typeof data === "string" ? Buffer.from(data) : data;
  const digest = sha256Digest(bytes);
  const member = blobMember(digest);
  await mkdir(join(stage, "blobs", "sha256"), { recursive: true });
  await writeFile(join(stage, member), bytes);
  return { digest, size: bytes.length, member };
}

function layerOptions(spec: LayerSpec): { gzip?: boolean; createdBy?: string } {
  return Array.isArray(spec) ? {} : spec;
}

/** Produces the layer file for a spec in `scratch` (a directory the caller deletes). */
async function layerFile(spec: LayerSpec, scratch: string): Promise<LayerBlob> {
  const { gzip } = layerOptions(spec);
  if (Array.isArray(spec) || "entries" in spec) {
    const entries = Array.isArray(spec) ? spec : spec.entries;
    return makeLayerTar(scratch, entries, gzip === true ? { gzip: true } : {});
  }
  const source = await describeLayerFile(spec.tarPath);
  const target = join(scratch, `source-${digestHex(source.digest)}`);
  if (gzip === undefined || gzip === source.gzip) {
    await copyFile(spec.tarPath, target);
  } else if (gzip) {
    await gzipFile(spec.tarPath, target);
  } else {
    await pipeline(createReadStream(spec.tarPath), createGunzip(), createWriteStream(target));
  }
  return describeLayerFile(target);
}

/** Writes a layer blob under its digest. */
export async function stageLayer(
  stage: string,
  spec: LayerSpec,
  family: MediaTypeFamily,
): Promise<StagedLayer> {
  const scratch = await mkdtemp(join(stage, ".scratch-"));
  try {
    const blob = await layerFile(spec, scratch);
    const member = blobMember(blob.digest);
    await mkdir(join(stage, "blobs", "sha256"), { recursive: true });
    await rename(blob.path, join(stage, member));
    const types = MEDIA_TYPES[family];
    return {
      ...blob,
      path: join(stage, member),
      member,
      mediaType: blob.gzip ? types.layerGzip : types.layer,
    };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/** Writes the layers, config and manifest of one image. */
export async function stageImage(
  stage: string,
  image: ImageSpec,
  family: MediaTypeFamily,
): Promise<StagedImage> {
  const layers: StagedLayer[] = [];
  for (const spec of image.layers) layers.push(await stageLayer(stage, spec, family));
  const createdBy = image.layers.map((spec) => layerOptions(spec).createdBy);
  const config = buildImageConfig(
    layers.map((l) => l.diffId),
    image.config,
    createdBy,
  );
  const types = MEDIA_TYPES[family];
  const configBlob = await writeBlob(stage, JSON.stringify(config));
  const platform = configPlatform(config);
  const manifest = {
    schemaVersion: 2,
    mediaType: types.manifest,
    config: { mediaType: types.config, digest: configBlob.digest, size: configBlob.size },
    layers: layers.map((l) => ({ mediaType: l.mediaType, digest: l.digest, size: l.size })),
  };
  const manifestBlob = await writeBlob(stage, JSON.stringify(manifest));
  return {
    id: configBlob.digest,
    config,
    configBlob,
    layers,
    manifest: { ...manifestBlob, mediaType: types.manifest, platform },
  };
}

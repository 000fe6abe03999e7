// Builds OCI image-layout tarballs (image-layout.md): `oci-layout`, `index.json` whose
// descriptors carry `org.opencontainers.image.ref.name`, and `blobs/sha256/`. An entry may be
// a nested image index (multi-platform image) instead of a single manifest.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MEDIA_TYPES, stageImage, writeBlob } from "./image-blobs.ts";
import type { Descriptor, ImageSpec, MediaTypeFamily, StagedBlob, StagedLayer } from "./image-blobs.ts";
import type { ImageConfig, Platform } from "./image-config.ts";
import { packDirectory } from "./tar-directory.ts";

export interface OciImageEntry extends ImageSpec {
  /** `org.opencontainers.image.ref.name` of its index.json descriptor, e.g. "latest". */
  refName?: string;
  /** More annotations on its descriptor (e.g. io.containerd.image.name). */
  annotations?: Record<string, string>;
}

/** A multi-platform image: an image index blob listing one manifest per platform. */
export interface OciIndexEntry {
  refName?: string;
  annotations?: Record<string, string>;
  manifests: ImageSpec[];
}

export interface OciLayoutOptions {
  /** Gzip layers given as entries (default true, as registries and skopeo store them). */
  gzip?: boolean;
  /** OCI media types (default) or Docker schema-2 ones inside the OCI layout. */
  mediaTypes?: MediaTypeFamily;
}

export interface BuiltOciImage {
  id: string;
  config: ImageConfig;
  platform: Platform;
  manifest: StagedBlob;
  layers: Omit<StagedLayer, "path">[];
}

export interface BuiltOciEntry {
  /** The descriptor written into index.json. */
  descriptor: Descriptor;
  /** One image, or one per platform for an index entry. */
  images: BuiltOciImage[];
}

export interface BuiltOciLayout {
  path: string;
  index: { schemaVersion: 2; mediaType: string; manifests: Descriptor[] };
  entries: BuiltOciEntry[];
}

const OCI_REF_NAME = "org.opencontainers.image.ref.name";

/** Writes an OCI image-layout tarball holding `entries` to `outPath`. */
export async function makeOciLayout(
  outPath: string,
  entries: (OciImageEntry | OciIndexEntry)[],
  options: OciLayoutOptions = {},
): Promise<BuiltOciLayout> {
  const family = options.mediaTypes ?? "oci";
  const gzip = options.gzip ?? true;
  const stage = await mkdtemp(join(tmpdir(), "berth-oci-layout-"));
  try {
    const built: BuiltOciEntry[] = [];
    for (const entry of entries) {
      built.push(
        "manifests" in entry
          ? await stageIndex(stage, entry, family, gzip)
          : await stageOne(stage, entry, family, gzip),
      );
    }
    const index = {
      schemaVersion: 2 as const,
      mediaType: MEDIA_TYPES.oci.index,
      manifests: built.map((b) => b.descriptor),
    };
    await writeFile(join(stage, "index.json"), JSON.stringify(index));
    await writeFile(join(stage, "oci-layout"), JSON.stringify({ imageLayoutVersion: "1.0.0" }));
    await packDirectory(stage, outPath);
    return { path: outPath, index, entries: built };
  } finally {
    await rm(stage, { recursive: true, force: true });
  }
}

// Layers given as entries follow the layout-wide gzip choice unless they say otherwise.
function withDefaultGzip(image: ImageSpec, gzip: boolean): ImageSpec {
  const layers = image.layers.map((spec) => {
    if (Array.isArray(spec)) return { entries: spec, gzip };
    if ("entries" in spec && spec.gzip === undefined) return { ...spec, gzip };
    return spec;
  });
  return { ...image, layers };
}

async function buildImage(
  stage: string,
  image: ImageSpec,
  family: MediaTypeFamily,
  gzip: boolean,
): Promise<BuiltOciImage> {
  const staged = await stageImage(stage, withDefaultGzip(image, gzip), family);
  return {
    id: staged.id,
    config: staged.config,
    platform: staged.manifest.platform,
    manifest: { digest: staged.manifest.digest, size: staged.manifest.size, member: staged.manifest.member },
    layers: staged.layers.map(({ path: _path, ...rest }) => rest),
  };
}

function annotationsOf(entry: {
  refName?: string;
  annotations?: Record<string, string>;
}): Record<string, string> | undefined {
  const annotations = { ...entry.annotations };
  if (entry.refName !== undefined) annotations[OCI_REF_NAME] = entry.refName;
  return Object.keys(annotations).length > 0 ? annotations : undefined;
}

async function stageOne(
  stage: string,
  entry: OciImageEntry,
  family: MediaTypeFamily,
  gzip: boolean,
): Promise<BuiltOciEntry> {
  const image = await buildImage(stage, entry, family, gzip);
  const descriptor: Descriptor = {
    mediaType: MEDIA_TYPES[family].manifest,
    digest: image.manifest.digest,
    size: image.manifest.size,
  };
  const annotations = annotationsOf(entry);
  if (annotations !== undefined) descriptor.annotations = annotations;
  return { descriptor, images: [image] };
}

async function stageIndex(
  stage: string,
  entry: OciIndexEntry,
  family: MediaTypeFamily,
  gzip: boolean,
): Promise<BuiltOciEntry> {
  const images: BuiltOciImage[] = [];
  for (const spec of entry.manifests) images.push(await buildImage(stage, spec, family, gzip));
  const types = MEDIA_TYPES[family];
  const index = {
    schemaVersion: 2,
    mediaType: types.index,
    manifests: images.map((image) => ({
      mediaType: types.manifest,
      digest: image.manifest.digest,
      size: image.manifest.size,
      platform: image.platform,
    })),
  };
  const blob = await writeBlob(stage, JSON.stringify(index));
  const descriptor: Descriptor = { mediaType: types.index, digest: blob.digest, size: blob.size };
  const annotations = annotationsOf(entry);
  if (annotations !== undefined) descriptor.annotations = annotations;
  return { descriptor, images };
}

// Builds `docker save` tarballs without a daemon, in the two shapes `docker load` meets:
// - "oci" (Docker 25+): an OCI image layout (oci-layout, index.json, blobs/sha256/...) that
//   also carries the legacy manifest.json and repositories files;
// - "legacy" (Docker < 25): `<v1 id>/{VERSION,json,layer.tar}`, `<config hex>.json`,
//   manifest.json and repositories.
import { copyFile, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { digestHex, sha256Digest } from "./file-digest.ts";
import { buildImageConfig, chainIds, parseRepoTag } from "./image-config.ts";
import type { ImageConfig } from "./image-config.ts";
import { stageImage, stageLayer } from "./image-blobs.ts";
import type { Descriptor, ImageSpec, StagedBlob, StagedImage, StagedLayer } from "./image-blobs.ts";
import { packDirectory } from "./tar-directory.ts";

export interface DockerArchiveImage extends ImageSpec {
  /** Familiar references as `docker save` records them, e.g. `busybox:latest`. May be empty. */
  repoTags: string[];
}

export interface DockerArchiveOptions {
  format?: "oci" | "legacy";
}

/** manifest.json: one item per image. */
export interface DockerManifestItem {
  Config: string;
  RepoTags: string[] | null;
  Layers: string[];
  Parent?: string;
  LayerSources?: Record<string, Descriptor>;
}

/** A layer as written into an archive; `member` is its path inside the tarball. */
export type ArchiveLayer = Omit<StagedLayer, "path">;

export interface BuiltArchiveImage {
  /** Image ID: the config digest. */
  id: string;
  repoTags: string[];
  config: ImageConfig;
  /** Archive member holding the config. */
  configMember: string;
  layers: ArchiveLayer[];
  /** Archive members of the layers, as listed in manifest.json. */
  layerMembers: string[];
  /** The OCI manifest blob ("oci" format only). */
  manifest?: StagedBlob;
}

export interface BuiltDockerArchive {
  path: string;
  format: "oci" | "legacy";
  manifest: DockerManifestItem[];
  images: BuiltArchiveImage[];
}

const V1_EPOCH = "1970-01-01T00:00:00Z";
const OCI_LAYOUT = `{"imageLayoutVersion": "1.0.0"}`;
const CONTAINERD_IMAGE_NAME = "io.containerd.image.name";
const OCI_REF_NAME = "org.opencontainers.image.ref.name";

/** Writes a `docker save`-style tarball of `images` to `outPath`. */
export async function makeDockerArchive(
  outPath: string,
  images: DockerArchiveImage[],
  options: DockerArchiveOptions = {},
): Promise<BuiltDockerArchive> {
  const format = options.format ?? "oci";
  const stage = await mkdtemp(join(tmpdir(), "berth-docker-archive-"));
  try {
    const built =
      format === "oci" ? await stageOciArchive(stage, images) : await stageLegacyArchive(stage, images);
    const manifest = built.map(toManifestItem);
    // Docker writes manifest.json and repositories with a JSON encoder: one trailing newline.
    await writeFile(join(stage, "manifest.json"), `${JSON.stringify(manifest)}\n`);
    const repositories = repositoriesFile(built, format);
    if (repositories !== undefined)
      await writeFile(join(stage, "repositories"), `${JSON.stringify(repositories)}\n`);
    await packDirectory(stage, outPath);
    return { path: outPath, format, manifest, images: built };
  } finally {
    await rm(stage, { recursive: true, force: true });
  }
}

async function stageOciArchive(stage: string, images: DockerArchiveImage[]): Promise<BuiltArchiveImage[]> {
  const built: BuiltArchiveImage[] = [];
  const descriptors: Descriptor[] = [];
  for (const image of images) {
    const staged: StagedImage = await stageImage(stage, image, "oci");
    // Docker 25+ lists one index.json descriptor per tag; an untagged image gets none.
    for (const tag of image.repoTags) {
      const ref = parseRepoTag(tag);
      descriptors.push({
        mediaType: staged.manifest.mediaType,
        digest: staged.manifest.digest,
        size: staged.manifest.size,
        platform: staged.manifest.platform,
        annotations: { [CONTAINERD_IMAGE_NAME]: ref.fullName, [OCI_REF_NAME]: ref.tag },
      });
    }
    built.push({
      id: staged.id,
      repoTags: image.repoTags,
      config: staged.config,
      configMember: staged.configBlob.member,
      layers: staged.layers.map(withoutPath),
      layerMembers: staged.layers.map((l) => l.member),
      manifest: staged.manifest,
    });
  }
  const index = {
    schemaVersion: 2,
    mediaType: "application/vnd.oci.image.index.v1+json",
    manifests: descriptors,
  };
  await writeFile(join(stage, "index.json"), JSON.stringify(index));
  await writeFile(join(stage, "oci-layout"), OCI_LAYOUT);
  return built;
}

async function stageLegacyArchive(stage: string, images: DockerArchiveImage[]): Promise<BuiltArchiveImage[]> {
  const built: BuiltArchiveImage[] = [];
  for (const image of images) {
    const layers: StagedLayer[] = [];
    for (const spec of image.layers) layers.push(await stageLayer(stage, spec, "docker"));
    const createdBy = image.layers.map((spec) => (Array.isArray(spec) ? undefined : spec.createdBy));
    const config = buildImageConfig(
      layers.map((l) => l.diffId),
      image.config,
      createdBy,
    );
    const configJson = JSON.stringify(config);
    const id = sha256Digest(configJson);
    const configMember = `${digestHex(id)}.json`;
    await writeFile(join(stage, configMember), configJson);
    const legacyLayers = await writeLegacyLayers(stage, layers, config);
    built.push({
      id,
      repoTags: image.repoTags,
      config,
      configMember,
      layers: legacyLayers.map(withoutPath),
      layerMembers: legacyLayers.map((l) => l.member),
    });
  }
  // The layers were staged as blobs first; the legacy format has no blobs/ directory.
  await rm(join(stage, "blobs"), { recursive: true, force: true });
  return built;
}

// Each layer becomes a v1 "image" directory. Its ID is derived from the chain, so a layer shared
// by two images is written once; Docker's exact v1 IDs are not reproduced (loaders follow
// manifest.json, not the v1 IDs).
async function writeLegacyLayers(
  stage: string,
  layers: StagedLayer[],
  config: ImageConfig,
): Promise<StagedLayer[]> {
  const out: StagedLayer[] = [];
  const chain = chainIds(layers.map((l) => l.diffId));
  let parent: string | undefined;
  for (const [i, layer] of layers.entries()) {
    const top = i === layers.length - 1;
    const v1: Record<string, unknown> = {
      created: top ? (config.created ?? V1_EPOCH) : V1_EPOCH,
      container_config: { Cmd: null, Env: null, Image: "" },
      os: config.os,
    };
    if (top) {
      v1.architecture = config.architecture;
      v1.config = config.config;
    }
    const v1Id = digestHex(sha256Digest(JSON.stringify({ ...v1, layer_id: chain[i], parent: parent ?? "" })));
    const dir = join(stage, v1Id);
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, "VERSION"), "1.0");
    await writeFile(
      join(dir, "json"),
      JSON.stringify({ id: v1Id, ...(parent === undefined ? {} : { parent }), ...v1 }),
    );
    await copyFile(layer.path, join(dir, "layer.tar"));
    out.push({ ...layer, member: `${v1Id}/layer.tar`, path: join(dir, "layer.tar") });
    parent = v1Id;
  }
  return out;
}

// Staging paths vanish once the archive is packed.
function withoutPath(layer: StagedLayer): ArchiveLayer {
  const { path: _path, ...rest } = layer;
  return rest;
}

function toManifestItem(image: BuiltArchiveImage): DockerManifestItem {
  return {
    Config: image.configMember,
    RepoTags: image.repoTags.length > 0 ? image.repoTags : null,
    Layers: image.layerMembers,
  };
}

// repositories: { familiar name: { tag: top layer id } } (v1 ID in legacy, diffID hex in 25+).
function repositoriesFile(
  images: BuiltArchiveImage[],
  format: "oci" | "legacy",
): Record<string, Record<string, string>> | undefined {
  const repos: Record<string, Record<string, string>> = {};
  for (const image of images) {
    const top = image.layers[image.layers.length - 1];
    if (top === undefined) continue;
    const topId = format === "legacy" ? (top.member.split("/")[0] ?? "") : digestHex(top.diffId);
    for (const tag of image.repoTags) {
      const ref = parseRepoTag(tag);
      (repos[ref.familiarName] ??= {})[ref.tag] = topId;
    }
  }
  return Object.keys(repos).length > 0 ? repos : undefined;
}

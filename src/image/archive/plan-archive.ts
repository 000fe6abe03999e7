// Second pass of `docker load`: decide which images an archive holds, from the legacy
// manifest.json (docker save, all versions) or, failing that, the OCI image layout's index.json
// (oci-image-spec image-layout.md). Produces, per image, its config, its layers and its names.
import type { ContentStore } from "../../content/index.ts";
import { invalidArchive } from "../../lib/index.ts";
import { sniffLayerMediaType } from "../layer-media-type.ts";
import {
  type Descriptor,
  hostPlatform,
  isIndex,
  isManifest,
  selectManifest,
  parseIndex,
  parseManifest,
  sha256Of,
} from "../../oci/index.ts";
import type { Lease } from "../leases.ts";
import { type ArchiveFiles, resolveArchivePath } from "./read-archive.ts";

export interface PlannedLayer {
  digest: string;
  size: number;
  mediaType: string;
}

export interface PlannedImage {
  configDigest: string;
  layers: PlannedLayer[];
  /** The image's manifest when the archive carries one (OCI layout), else one is made. */
  manifest?: { digest: string; mediaType: string };
  /** Names as written in the archive (familiar or full). */
  names: string[];
}

const MAX_JSON = 8 * 1024 * 1024;

export async function planArchive(
  files: ArchiveFiles,
  content: ContentStore,
  lease: Lease,
): Promise<PlannedImage[]> {
  const legacy = files.metadata.get("manifest.json");
  const index = files.metadata.get("index.json");
  if (legacy !== undefined) {
    const plans = await planLegacy(legacy, files, content, lease);
    // Docker 25+ archives carry both: the OCI manifests are checked too (a descriptor that lies
    // about a size is refused) and kept, so the image keeps its original manifest digest.
    const oci = index === undefined ? [] : await planOciLayout(index, content, false);
    return plans.map((plan) => {
      const match = oci.find((o) => o.configDigest === plan.configDigest);
      return match?.manifest ? { ...plan, manifest: match.manifest, layers: match.layers } : plan;
    });
  }
  if (index !== undefined) return planOciLayout(index, content, true);
  throw invalidArchive(
    "neither manifest.json nor index.json found (is this a docker save or OCI layout tarball?)",
  );
}

interface LegacyEntry {
  Config?: unknown;
  RepoTags?: unknown;
  Layers?: unknown;
}

async function planLegacy(
  raw: Buffer,
  files: ArchiveFiles,
  content: ContentStore,
  lease: Lease,
): Promise<PlannedImage[]> {
  let entries: unknown;
  try {
    entries = JSON.parse(raw.toString("utf8"));
  } catch (err) {
    throw invalidArchive(`manifest.json is not valid JSON: ${(err as Error).message}`);
  }
  if (!Array.isArray(entries)) throw invalidArchive("manifest.json must hold a JSON array");
  const plans: PlannedImage[] = [];
  for (const entry of entries as LegacyEntry[]) {
    if (typeof entry?.Config !== "string" || !Array.isArray(entry.Layers)) {
      throw invalidArchive("manifest.json entry lacks Config or Layers");
    }
    const configDigest = await blobFor(entry.Config, files, content, lease);
    const layers: PlannedLayer[] = [];
    for (const layerPath of entry.Layers) {
      if (typeof layerPath !== "string") throw invalidArchive("manifest.json Layers must be strings");
      const digest = await blobFor(layerPath, files, content, lease);
      const size = (await content.stat(digest)) ?? 0;
      layers.push({ digest, size, mediaType: sniffLayerMediaType(content.path(digest)) });
    }
    const tags = Array.isArray(entry.RepoTags)
      ? entry.RepoTags.filter((t): t is string => typeof t === "string")
      : [];
    plans.push({ configDigest, layers, names: tags });
  }
  return plans;
}

/** The content-store digest of an archive file, storing metadata files as blobs on demand. */
async function blobFor(
  path: string,
  files: ArchiveFiles,
  content: ContentStore,
  lease: Lease,
): Promise<string> {
  const p = resolveArchivePath(files, path);
  const blob = files.blobs.get(p);
  if (blob !== undefined) return blob.digest;
  const bytes = files.metadata.get(p);
  if (bytes === undefined)
    throw invalidArchive(`file ${path} named in manifest.json is missing from the archive`);
  const digest = sha256Of(bytes);
  await content.writeBuffer(bytes, digest);
  lease.addBlob(digest);
  return digest;
}

async function planOciLayout(raw: Buffer, content: ContentStore, required: boolean): Promise<PlannedImage[]> {
  const index = parseIndex(raw);
  const plans: PlannedImage[] = [];
  for (const desc of index.manifests) {
    const manifestDesc = isIndex(desc.mediaType) ? await pickFromIndex(desc, content) : desc;
    if (!isManifest(manifestDesc.mediaType)) continue;
    await requireBlob(content, manifestDesc);
    const manifest = parseManifest(await content.readBuffer(manifestDesc.digest, MAX_JSON));
    await requireBlob(content, manifest.config);
    for (const layer of manifest.layers) await requireBlob(content, layer);
    plans.push({
      configDigest: manifest.config.digest,
      layers: manifest.layers.map((l) => ({ digest: l.digest, size: l.size, mediaType: l.mediaType })),
      manifest: { digest: manifestDesc.digest, mediaType: manifestDesc.mediaType },
      names: namesOf(desc),
    });
  }
  if (required && plans.length === 0)
    throw invalidArchive("index.json lists no image manifest for this platform");
  return plans;
}

async function pickFromIndex(desc: Descriptor, content: ContentStore): Promise<Descriptor> {
  await requireBlob(content, desc);
  const index = parseIndex(await content.readBuffer(desc.digest, MAX_JSON));
  const chosen = selectManifest(index.manifests, hostPlatform());
  if (chosen === undefined) throw invalidArchive(`no manifest in ${desc.digest} matches this platform`);
  return isIndex(chosen.mediaType) ? pickFromIndex(chosen, content) : chosen;
}

async function requireBlob(content: ContentStore, desc: Descriptor): Promise<void> {
  const size = await content.stat(desc.digest);
  if (size === null || size === undefined)
    throw invalidArchive(`blob ${desc.digest} is missing from the archive`);
  if (size !== desc.size)
    throw invalidArchive(`blob ${desc.digest} has ${size} bytes, its descriptor says ${desc.size}`);
}

/**
 * Names from the index annotations: containerd's io.containerd.image.name holds a full
 * reference; org.opencontainers.image.ref.name may hold one too, or only a tag (then unnamed).
 */
function namesOf(desc: Descriptor): string[] {
  const a = desc.annotations ?? {};
  const full = a["io.containerd.image.name"];
  if (full !== undefined) return [full];
  const refName = a["org.opencontainers.image.ref.name"];
  if (refName !== undefined && /[:/]/.test(refName)) return [refName];
  return [];
}

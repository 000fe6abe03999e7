// `docker save`: one tarball that both layouts can read, as Docker 25+ writes it: an OCI image
// layout (oci-layout, index.json, blobs/sha256/*; oci-image-spec image-layout.md) that also
// carries the legacy manifest.json and repositories files older loaders want.
import type { Readable } from "node:stream";
import { type TarWriteEntry, writeTar } from "../../diff/index.ts";
import { notFound } from "../../lib/index.ts";
import { MediaType, familiarName, familiarString, parseNormalizedReference } from "../../oci/index.ts";
import type { ImageService } from "../image-service.ts";
import type { Lease } from "../leases.ts";
import type { ImageRecord } from "../image-store.ts";

interface SaveItem {
  image: ImageRecord;
  /** Normalised tag references to write for this image (none when saved by ID). */
  tags: string[];
}

/** Resolves every name up front, so an unknown name fails before any byte is sent. */
export function resolveSaveItems(service: ImageService, names: readonly string[]): SaveItem[] {
  const items = new Map<string, SaveItem>();
  const add = (image: ImageRecord, tag?: string): void => {
    const item = items.get(image.id) ?? { image, tags: [] };
    if (tag !== undefined && !item.tags.includes(tag)) item.tags.push(tag);
    items.set(image.id, item);
  };
  for (const name of names) {
    const repoTags = tagsOfRepository(service, name);
    if (repoTags.length > 0) {
      for (const ref of repoTags) add(service.resolve(ref), ref);
      continue;
    }
    const image = service.resolve(name);
    const ref = service.store
      .allRefs()
      .find((r) => !r.isDigest && r.imageId === image.id && sameName(r.name, name));
    add(image, ref?.name);
  }
  return [...items.values()];
}

/** `docker save busybox` (no tag) saves every tag of that repository. */
function tagsOfRepository(service: ImageService, name: string): string[] {
  if (/[:@]/.test(name.slice(name.lastIndexOf("/") + 1))) return [];
  let repo: string;
  try {
    const ref = parseNormalizedReference(name);
    repo = `${ref.domain}/${ref.path}`;
  } catch {
    return [];
  }
  return service.store
    .allRefs()
    .filter((r) => !r.isDigest && r.name.startsWith(`${repo}:`))
    .map((r) => r.name);
}

function sameName(normalized: string, asked: string): boolean {
  try {
    return (
      familiarString(parseNormalizedReference(normalized)) === familiarString(parseNormalizedReference(asked))
    );
  } catch {
    return false;
  }
}

export function writeSaveArchive(service: ImageService, items: readonly SaveItem[]): Readable {
  const lease = service.leases.acquire();
  const archive = writeTar(saveEntries(service, items, lease));
  archive.once("close", () => lease.release());
  return archive;
}

/** The archive's entries: blobs first (each once), then the index and legacy metadata files. */
async function* saveEntries(
  service: ImageService,
  items: readonly SaveItem[],
  lease: Lease,
): AsyncGenerator<TarWriteEntry> {
  const written = new Set<string>();
  const pending: TarWriteEntry[] = [];
  const blob = async (digest: string): Promise<string> => {
    const path = `blobs/sha256/${digest.slice("sha256:".length)}`;
    if (!written.has(digest)) {
      written.add(digest);
      lease.addBlob(digest);
      const size = await service.content.stat(digest);
      if (size === null || size === undefined)
        throw notFound("MISSING_BLOB", `blob ${digest} is missing from the store`);
      pending.push({ type: "file", name: path, path: service.content.path(digest), size });
    }
    return path;
  };
  yield { type: "directory", name: "blobs" };
  yield { type: "directory", name: "blobs/sha256" };
  const index: object[] = [];
  const legacy: object[] = [];
  const repositories: Record<string, Record<string, string>> = {};
  for (const { image, tags } of items) {
    const configPath = await blob(image.id);
    const layerPaths: string[] = [];
    for (const layer of image.layers) layerPaths.push(await blob(layer.blobDigest));
    await blob(image.manifestDigest);
    yield* pending.splice(0);
    const manifestDesc = {
      mediaType: image.manifestMediaType,
      digest: image.manifestDigest,
      size: (await service.content.stat(image.manifestDigest)) ?? 0,
    };
    if (tags.length === 0) index.push(manifestDesc);
    for (const tag of tags) {
      const ref = parseNormalizedReference(tag);
      const tagName = ref.tag ?? "latest";
      index.push({
        ...manifestDesc,
        annotations: { "io.containerd.image.name": tag, "org.opencontainers.image.ref.name": tagName },
      });
      const repo = familiarName(ref);
      repositories[repo] = { ...repositories[repo], [tagName]: image.id.slice("sha256:".length) };
    }
    legacy.push({
      Config: configPath,
      RepoTags: tags.length > 0 ? tags.map((t) => familiarString(parseNormalizedReference(t))) : null,
      Layers: layerPaths,
    });
  }
  const json = (name: string, value: unknown): TarWriteEntry => ({
    type: "file",
    name,
    data: JSON.stringify(value),
  });
  yield json("index.json", { schemaVersion: 2, mediaType: MediaType.ociIndex, manifests: index });
  yield json("manifest.json", legacy);
  yield json("oci-layout", { imageLayoutVersion: "1.0.0" });
  if (Object.keys(repositories).length > 0) yield json("repositories", repositories);
}

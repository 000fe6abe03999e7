// `docker pull` (POST /images/create?fromImage=): resolve the reference on the registry, pick the
// platform's manifest from an index, download config and layers (3 at a time) straight into the
// content store, unpack each layer as soon as it and those below it are there, then record the
// image and its names in one transaction. Progress follows dockerd's pull stream message for
// message, so the docker CLI draws its bars.
import type { JsonMessage } from "../api/types/index.ts";
import type { PullRequest, RegistryAuthConfig } from "../api/server/index.ts";
import type { ImageService, LayerSource, Lease } from "../image/index.ts";
import { EngineError, invalidArgument, invalidReference, isEngineError, type Logger } from "../lib/index.ts";
import {
  assertRunnable,
  chainIds,
  familiarName,
  familiarString,
  formatPlatform,
  hostPlatform,
  isIndex,
  isManifest,
  normalizedName,
  parseImageConfig,
  parseManifestOrIndex,
  parseNormalizedReference,
  parsePlatform,
  selectManifest,
  type Reference,
} from "../oci/index.ts";
import {
  type Credentials,
  type RegistryHostsConfig,
  type RemoteRepository,
  downloadBlob,
  openRepository,
  pullError,
} from "../registry/client/index.ts";
import { layerProgress, layerStatus, shortDigest } from "./registry-progress.ts";

export interface PullDeps {
  images: ImageService;
  hosts: () => RegistryHostsConfig;
  log: Logger;
  /** Told where each blob came from, so a later push can mount it instead of uploading. */
  blobSeen?: (digest: string, domain: string, path: string) => void;
}

/** Layer downloads in flight per pull (dockerd's max-concurrent-downloads default is 3). */
const CONCURRENT_DOWNLOADS = 3;
const MAX_CONFIG = 8 * 1024 * 1024;
/** Completed layers of a failed pull are kept this long for the next attempt (containerd: 24 h). */
const RETAIN_MS = 24 * 60 * 60 * 1000;

export function credentialsOf(auth: RegistryAuthConfig | undefined): Credentials | undefined {
  if (auth === undefined) return undefined;
  const { username, password, auth: basic, identitytoken, registrytoken } = auth;
  const c: Credentials = {};
  if (username !== undefined) c.username = username;
  if (password !== undefined) c.password = password;
  if (basic !== undefined) c.auth = basic;
  if (identitytoken !== undefined) c.identitytoken = identitytoken;
  if (registrytoken !== undefined) c.registrytoken = registrytoken;
  return c;
}

/** The reference to pull: fromImage plus the tag parameter (a tag or a digest); null tag = all tags. */
export function pullReference(fromImage: string, tag: string): { ref: Reference; allTags: boolean } {
  let name = fromImage;
  if (tag !== "") name = tag.includes(":") ? `${fromImage}@${tag}` : `${fromImage}:${tag}`;
  let ref: Reference;
  try {
    ref = parseNormalizedReference(name);
  } catch (err) {
    throw isEngineError(err) ? invalidReference(name, err.message) : err;
  }
  return { ref, allTags: ref.tag === undefined && ref.digest === undefined };
}

export async function pullImage(
  deps: PullDeps,
  req: PullRequest,
  progress: (m: JsonMessage) => void,
): Promise<void> {
  const { ref, allTags } = pullReference(req.fromImage, req.tag);
  const platform = req.platform === "" ? hostPlatform() : parsePlatform(req.platform);
  const repo = openRepository(ref.domain, ref.path, credentialsOf(req.auth), false, deps.hosts());
  const name = familiarName(ref);
  if (allTags) {
    let tags: string[];
    try {
      tags = await repo.tags();
    } catch (err) {
      throw pullError(err, name, name);
    }
    for (const tag of tags) await pullOne(deps, repo, { ...ref, tag }, platform, progress, false);
    progress({ status: `Status: Downloaded newer image for ${name}` });
    return;
  }
  await pullOne(deps, repo, ref, platform, progress, true);
}

async function pullOne(
  deps: PullDeps,
  repo: RemoteRepository,
  ref: Reference,
  platform: ReturnType<typeof hostPlatform>,
  progress: (m: JsonMessage) => void,
  final: boolean,
): Promise<void> {
  const { images } = deps;
  const tagOrDigest = ref.digest ?? ref.tag ?? "latest";
  const shown = familiarString(ref);
  const lease = images.leases.acquire();
  const completed: string[] = [];
  const cancel = new AbortController();
  let downloads: Promise<void>[] = [];
  let committed = false;
  try {
    let top;
    try {
      top = await repo.manifest(tagOrDigest);
    } catch (err) {
      throw pullError(err, familiarName(ref), shown);
    }
    // moby names the remote repository by its path on the registry ("library/busybox").
    progress({ status: `Pulling from ${ref.path}`, id: tagOrDigest });
    // What a reference resolves to may be an index or a manifest: the document's own mediaType
    // decides, then the Content-Type when it names one of ours, then the shape.
    const hint = (m: string): { mediaType?: string } => (isIndex(m) || isManifest(m) ? { mediaType: m } : {});
    let manifestDoc = top;
    const resolved = parseManifestOrIndex(top.bytes, hint(top.mediaType));
    let manifest = resolved.kind === "manifest" ? resolved.manifest : undefined;
    if (resolved.kind === "index") {
      const chosen = selectManifest(resolved.index.manifests, platform);
      if (chosen === undefined) {
        throw new EngineError(
          "not-found",
          "NO_MATCHING_MANIFEST",
          `no matching manifest for ${formatPlatform(platform)} in the manifest list entries`,
        );
      }
      manifestDoc = await repo.manifest(chosen.digest);
      const inner = parseManifestOrIndex(manifestDoc.bytes, hint(manifestDoc.mediaType || chosen.mediaType));
      if (inner.kind === "index") {
        throw invalidArgument("NESTED_INDEX", `nested image index ${chosen.digest} is not supported`);
      }
      manifest = inner.manifest;
    }
    if (manifest === undefined)
      throw invalidArgument("NO_MANIFEST", `${tagOrDigest} names no image manifest`);
    assertRunnable(manifest);
    // Leased before written: a GC running meanwhile must not take what this pull just stored.
    lease.addBlob(manifestDoc.digest);
    await images.content.writeBuffer(manifestDoc.bytes, manifestDoc.digest);

    // A config is a small JSON document: refuse a descriptor that claims more before downloading.
    if (manifest.config.size > MAX_CONFIG) {
      throw invalidArgument(
        "CONFIG_TOO_LARGE",
        `image config ${manifest.config.digest} claims ${manifest.config.size} bytes (limit ${MAX_CONFIG})`,
      );
    }
    const noProgress = (): void => undefined;
    lease.addBlob(manifest.config.digest);
    await downloadBlob(repo, manifest.config, images.content, noProgress);
    const config = parseImageConfig(await images.content.readBuffer(manifest.config.digest, MAX_CONFIG));
    const diffIds = config.rootfs.diff_ids;
    if (diffIds.length !== manifest.layers.length) {
      throw invalidArgument(
        "LAYER_COUNT",
        `image ${manifest.config.digest} has ${manifest.layers.length} layers but its config lists ${diffIds.length} diff IDs`,
      );
    }
    const chains = chainIds(diffIds);
    const layers: LayerSource[] = manifest.layers.map((l, i) => ({
      blobDigest: l.digest,
      blobMediaType: l.mediaType,
      blobSize: l.size,
      diffId: diffIds[i] ?? "",
    }));
    for (const l of layers) lease.addBlob(l.blobDigest);

    // Which layers are already here (snapshot unpacked and blob kept): "Already exists".
    const present = await Promise.all(
      layers.map(
        async (l, i) =>
          images.snapshots.get(chains[i] ?? "") !== undefined &&
          (await images.content.stat(l.blobDigest)) === l.blobSize,
      ),
    );
    layers.forEach((l, i) =>
      progress(layerStatus(shortDigest(l.blobDigest), present[i] ? "Already exists" : "Pulling fs layer")),
    );
    downloads = startDownloads(repo, layers, present, images, progress, completed, cancel.signal);
    // Unpack bottom-up while later layers still download.
    let size = 0;
    let records: Awaited<ReturnType<ImageService["unpack"]>>["records"] = [];
    for (let i = 0; i < layers.length; i++) {
      await downloads[i];
      const layer = layers[i];
      if (layer === undefined) continue;
      const id = shortDigest(layer.blobDigest);
      if (!present[i]) progress(layerProgress(id, "Extracting", 0, layer.blobSize));
      const result = await images.unpack(layers.slice(0, i + 1), lease);
      records = result.records;
      size = result.size;
      if (!present[i]) {
        progress(layerProgress(id, "Extracting", layer.blobSize, layer.blobSize));
        progress(layerStatus(id, "Pull complete"));
      }
    }
    if (layers.length === 0) records = [];
    await Promise.all(downloads);

    const imageId = manifest.config.digest;
    const names = [{ name: `${normalizedName(ref)}@${top.digest}`, imageId, isDigest: true }];
    const tagName =
      ref.tag !== undefined && ref.digest === undefined ? `${normalizedName(ref)}:${ref.tag}` : undefined;
    if (tagName !== undefined) names.push({ name: tagName, imageId, isDigest: false });
    const upToDate =
      present.every(Boolean) &&
      (tagName === undefined
        ? images.store.ref(names[0]?.name ?? "")?.imageId === imageId
        : images.store.ref(tagName)?.imageId === imageId);
    await images.commit([
      {
        configDigest: imageId,
        config,
        manifestDigest: manifestDoc.digest,
        manifestMediaType: manifest.mediaType,
        layers: records,
        size,
        names,
      },
    ]);
    committed = true;
    for (const l of layers) deps.blobSeen?.(l.blobDigest, ref.domain, ref.path);
    progress({ status: `Digest: ${top.digest}` });
    if (final) {
      progress({
        status: upToDate
          ? `Status: Image is up to date for ${shown}`
          : `Status: Downloaded newer image for ${shown}`,
      });
    }
  } finally {
    if (!committed) {
      // Stop the other downloads (their partial bytes stay for the next pull) before cleaning up.
      cancel.abort();
      await Promise.allSettled(downloads);
      retain(images, completed);
    }
    lease.release();
    if (!committed) await images.gc().catch((err: unknown) => deps.log.warn("gc after failed pull", { err }));
  }
}

/** Starts each missing layer's download, at most CONCURRENT_DOWNLOADS at once; "Waiting" for the rest. */
function startDownloads(
  repo: RemoteRepository,
  layers: readonly LayerSource[],
  present: readonly boolean[],
  images: ImageService,
  progress: (m: JsonMessage) => void,
  completed: string[],
  signal: AbortSignal,
): Promise<void>[] {
  let running = 0;
  const queue: (() => void)[] = [];
  const slot = (): Promise<void> =>
    running < CONCURRENT_DOWNLOADS ? (running++, Promise.resolve()) : new Promise((r) => queue.push(r));
  const free = (): void => {
    const next = queue.shift();
    if (next) next();
    else running--;
  };
  const all = layers.map(async (layer, i) => {
    if (present[i]) return;
    const id = shortDigest(layer.blobDigest);
    if (running >= CONCURRENT_DOWNLOADS) progress(layerStatus(id, "Waiting"));
    await slot();
    try {
      await downloadBlob(
        repo,
        { digest: layer.blobDigest, size: layer.blobSize },
        images.content,
        (cur, total) => {
          if (cur > 0) progress(layerProgress(id, "Downloading", cur, total));
        },
        signal,
      );
      completed.push(layer.blobDigest);
      progress(layerStatus(id, "Verifying Checksum"));
      progress(layerStatus(id, "Download complete"));
    } finally {
      free();
    }
  });
  // Failures surface through the unpack loop's await; keep them from being reported unhandled.
  for (const p of all) p.catch(() => undefined);
  return all;
}

/** Keeps the layers a failed pull completed (a lease that expires), so a retry only fetches the rest. */
function retain(images: ImageService, digests: readonly string[]): void {
  if (digests.length === 0) return;
  const keep: Lease = images.leases.acquire();
  for (const d of digests) keep.addBlob(d);
  setTimeout(() => keep.release(), RETAIN_MS).unref();
}

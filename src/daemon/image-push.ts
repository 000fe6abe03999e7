// `docker push` (POST /images/{name}/push): for each tag of the repository (or the one asked),
// send the image's stored manifest and blobs. A blob the registry has is skipped (HEAD); one
// seen in another repository of the same registry is mounted (spec.md "Mounting a blob from
// another repository"); the rest are uploaded, 3 at a time, by POST then PUT. Uncompressed
// layers are sent gzipped (layer-compress.ts), in a manifest rewritten to name them. The
// manifest goes last, so the tag never names an image with missing blobs.
import { Transform } from "node:stream";
import type { JsonMessage } from "../api/types/index.ts";
import type { PushRequest } from "../api/server/index.ts";
import type { ImageService, Lease } from "../image/index.ts";
import { EngineError, invalidReference, isEngineError } from "../lib/index.ts";
import {
  familiarName,
  isNonDistributableLayer,
  layerCompression,
  normalizedName,
  parseImageConfig,
  parseManifest,
  parseNormalizedReference,
  type Descriptor,
  type Reference,
} from "../oci/index.ts";
import { type RegistryHostsConfig, type RemoteRepository, openRepository } from "../registry/client/index.ts";
import { credentialsOf } from "./image-pull.ts";
import { compressLayer } from "./layer-compress.ts";
import { layerProgress, layerStatus, shortDigest } from "./registry-progress.ts";

export interface PushDeps {
  images: ImageService;
  hosts: () => RegistryHostsConfig;
  /** Repositories (on `domain`) a blob is known to be in, for cross-repository mounts. */
  blobSources: (digest: string, domain: string) => string[];
  blobSeen: (digest: string, domain: string, path: string) => void;
}

const CONCURRENT_UPLOADS = 3;
const MAX_JSON = 8 * 1024 * 1024;

export async function pushImage(
  deps: PushDeps,
  req: PushRequest,
  progress: (m: JsonMessage) => void,
): Promise<void> {
  let ref: Reference;
  const name = req.tag === "" ? req.name : `${req.name}:${req.tag}`;
  try {
    ref = parseNormalizedReference(name);
  } catch (err) {
    throw isEngineError(err) ? invalidReference(name, err.message) : err;
  }
  const repoName = normalizedName(ref);
  const tags =
    ref.tag !== undefined
      ? [ref.tag]
      : deps.images.store
          .allRefs()
          .filter((r) => !r.isDigest && r.name.startsWith(`${repoName}:`))
          .map((r) => r.name.slice(repoName.length + 1));
  const missing = (): EngineError =>
    new EngineError(
      "not-found",
      "PUSH_NO_SUCH_TAG",
      `An image does not exist locally with the tag: ${ref.tag !== undefined ? `${familiarName(ref)}:${ref.tag}` : familiarName(ref)}`,
    );
  if (tags.length === 0) throw missing();
  const images = tags.map((tag) => ({ tag, image: deps.images.find(`${repoName}:${tag}`) }));
  if (images.some((i) => i.image === undefined)) throw missing();
  const repo = openRepository(ref.domain, ref.path, credentialsOf(req.auth), true, deps.hosts());
  progress({ status: `The push refers to repository [${repoName}]` });
  for (const { tag, image } of images) {
    if (image === undefined) continue;
    await pushOne(deps, repo, ref, tag, image.manifestDigest, image.manifestMediaType, progress);
  }
}

async function pushOne(
  deps: PushDeps,
  repo: RemoteRepository,
  ref: Reference,
  tag: string,
  manifestDigest: string,
  manifestMediaType: string,
  progress: (m: JsonMessage) => void,
): Promise<void> {
  const { content } = deps.images;
  const stored = await content.readBuffer(manifestDigest, MAX_JSON);
  const manifest = parseManifest(stored, { mediaType: manifestMediaType });
  const config = parseImageConfig(await content.readBuffer(manifest.config.digest, MAX_JSON));
  // dockerd names layers by their diff ID in the push stream.
  const ids = manifest.layers.map((l, i) => shortDigest(config.rootfs.diff_ids[i] ?? l.digest));
  manifest.layers.forEach((_l, i) => progress(layerStatus(ids[i] ?? "", "Preparing")));
  const lease = deps.images.leases.acquire();
  try {
    let running = 0;
    const queue: (() => void)[] = [];
    const slot = (): Promise<void> =>
      running < CONCURRENT_UPLOADS ? (running++, Promise.resolve()) : new Promise((r) => queue.push(r));
    const free = (): void => {
      const next = queue.shift();
      if (next) next();
      else running--;
    };
    const sent: Descriptor[] = [...manifest.layers];
    const uploads = manifest.layers.map(async (layer, i) => {
      const id = ids[i] ?? "";
      // Non-distributable (foreign) layers are never pushed (image-spec layer.md); the registry
      // is not asked for them, as dockerd skips them too.
      if (isNonDistributableLayer(layer.mediaType)) {
        progress(layerStatus(id, "Skipped foreign layer"));
        return;
      }
      if (running >= CONCURRENT_UPLOADS) progress(layerStatus(id, "Waiting"));
      await slot();
      try {
        // Uncompressed layers (e.g. from docker load) go out gzipped, as dockerd sends them.
        const desc =
          layerCompression(layer.mediaType) === "none" ? await gzipped(deps, repo, layer, lease) : layer;
        lease.addBlob(desc.digest);
        sent[i] = desc;
        await pushBlob(deps, repo, ref, desc, (status, cur, total) =>
          progress(cur === undefined ? layerStatus(id, status) : layerProgress(id, status, cur, total ?? 0)),
        );
      } finally {
        free();
      }
    });
    const results = await Promise.allSettled(uploads);
    const failed = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
    if (failed) throw failed.reason;
    await pushBlob(deps, repo, ref, manifest.config, () => undefined);
    const bytes = sent.every((d, i) => d.digest === manifest.layers[i]?.digest)
      ? stored
      : withLayers(stored, sent);
    const digest = await repo.putManifest(tag, bytes, manifest.mediaType);
    progress({ status: `${tag}: digest: ${digest} size: ${bytes.length}` });
    progress({ progressDetail: {}, aux: { Tag: tag, Digest: digest, Size: bytes.length } });
  } finally {
    lease.release();
  }
}

/**
 * What each uncompressed layer compressed to (content root + digest → descriptor), like dockerd's
 * DiffID → digest mapping: a registry that has the gzip blob needs no compression at all. The
 * gzip blob itself is not kept after the push (GC takes it); compressing again gives the same bytes.
 */
const compressedCache = new Map<string, Descriptor>();

async function gzipped(
  deps: PushDeps,
  repo: RemoteRepository,
  layer: Descriptor,
  lease: Lease,
): Promise<Descriptor> {
  const { content } = deps.images;
  const key = `${content.root} ${layer.digest}`;
  const known = compressedCache.get(key);
  if (known !== undefined) {
    lease.addBlob(known.digest);
    if ((await content.stat(known.digest)) === known.size || (await repo.hasBlob(known.digest))) return known;
  }
  let c = await compressLayer(content, layer.digest, layer.mediaType);
  lease.addBlob(c.digest);
  // A GC between the commit and the lease may have taken it: compressing again gives the same blob.
  if ((await content.stat(c.digest)) !== c.size)
    c = await compressLayer(content, layer.digest, layer.mediaType);
  const desc: Descriptor = { mediaType: c.mediaType, digest: c.digest, size: c.size };
  compressedCache.set(key, desc);
  return desc;
}

/** The stored manifest with its layer descriptors replaced (other fields kept as they were). */
function withLayers(stored: Buffer, layers: readonly Descriptor[]): Buffer {
  const doc = JSON.parse(stored.toString("utf8")) as { layers: Record<string, unknown>[] };
  doc.layers = doc.layers.map((l, i) => {
    const d = layers[i];
    return d === undefined ? l : { ...l, mediaType: d.mediaType, digest: d.digest, size: d.size };
  });
  return Buffer.from(JSON.stringify(doc));
}

async function pushBlob(
  deps: PushDeps,
  repo: RemoteRepository,
  ref: Reference,
  desc: Descriptor,
  report: (status: string, current?: number, total?: number) => void,
): Promise<void> {
  if (await repo.hasBlob(desc.digest)) {
    report("Layer already exists");
    deps.blobSeen(desc.digest, ref.domain, ref.path);
    return;
  }
  const from = deps.blobSources(desc.digest, ref.domain).find((p) => p !== ref.path);
  const started = await repo.startUpload(from === undefined ? undefined : desc.digest, from);
  if (started.mounted) {
    report(`Mounted from ${from ?? ""}`);
    deps.blobSeen(desc.digest, ref.domain, ref.path);
    return;
  }
  const size = (await deps.images.content.stat(desc.digest)) ?? 0;
  let sent = 0;
  let last = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _enc, done) {
      sent += chunk.length;
      const now = Date.now();
      if (now - last >= 100 || sent === size) {
        last = now;
        report("Pushing", sent, size);
      }
      done(null, chunk);
    },
  });
  const source = await deps.images.content.createReadStream(desc.digest);
  source.on("error", (err) => counter.destroy(err));
  source.pipe(counter);
  await repo.finishUpload(started.location, desc.digest, size, counter);
  report("Pushed");
  deps.blobSeen(desc.digest, ref.domain, ref.path);
}

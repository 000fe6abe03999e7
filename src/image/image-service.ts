// The image service: names, lookup, unpacking, removal and garbage collection over the three
// stores (content blobs, overlay snapshots, image metadata). Archive formats (load/save/import)
// live in their own files and use this service.
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import type { ContentStore } from "../content/index.ts";
import {
  conflict,
  decompressBatches,
  type Logger,
  Mutex,
  noSuchImage,
  invalidArgument,
} from "../lib/index.ts";
import type { Db } from "../metadata/index.ts";
import {
  type ImageConfig,
  chainIds,
  isHex64,
  MediaType,
  sha256Of,
  parseImageConfig,
  parseNormalizedReference,
  normalizedString,
  familiarString,
} from "../oci/index.ts";
import type { OverlaySnapshotter, SnapshotInfo } from "../snapshot/index.ts";
import { applyLayer } from "../diff/index.ts";
import type { EarlyUnpack, EarlyUnpacks } from "./early-unpacks.ts";
import { type Lease, Leases } from "./leases.ts";
import { type ImageRecord, type ImageRef, ImageStore, type LayerRecord } from "./image-store.ts";
import { type CommitImageRequest, type CommittedImage, commitImage } from "./commit-image.ts";

export interface ImageServiceDeps {
  db: Db;
  content: ContentStore;
  snapshots: OverlaySnapshotter;
  log: Logger;
}

/** A layer to unpack: its blob in the content store and the diff ID the config promises. */
export interface LayerSource {
  blobDigest: string;
  blobMediaType: string;
  blobSize: number;
  diffId: string;
}

export interface NewImage {
  configDigest: string;
  config: ImageConfig;
  manifestDigest: string;
  manifestMediaType: string;
  layers: LayerRecord[];
  size: number;
  names: ImageRef[];
  /** The image this one was built on (build steps, commit); "" or absent for none. */
  parent?: string;
}

export interface DeleteItem {
  untagged?: string;
  deleted?: string;
}

/** Largest image config accepted (moby caps manifests and configs at a few MB too). */
const MAX_CONFIG_BYTES = 8 * 1024 * 1024;

export class ImageService {
  readonly store: ImageStore;
  readonly leases = new Leases();
  readonly content: ContentStore;
  readonly snapshots: OverlaySnapshotter;
  readonly log: Logger;
  /** Serialises changes to names and GC, so GC never races a commit. */
  private readonly mutations = new Mutex();
  private readonly configs = new Map<string, ImageConfig>();
  /** Containers created from an image; set by the daemon once containers exist. */
  containersUsing: (imageId: string) => { id: string; running: boolean }[] = () => [];

  constructor(deps: ImageServiceDeps) {
    this.store = new ImageStore(deps.db);
    this.content = deps.content;
    this.snapshots = deps.snapshots;
    this.log = deps.log;
  }

  count(): number {
    return this.store.count();
  }

  /** Start-up reconcile: drop what a crash left half-written, then collect unreferenced data. */
  async reconcile(): Promise<void> {
    await this.content.removeIngests();
    const { stale } = await this.snapshots.removeTemporary();
    for (const chainId of stale) await this.unpackAgain(chainId);
    await this.gc();
  }

  /** Refills a snapshot whose files a power loss may have cut short, from its stored blob. */
  private async unpackAgain(chainId: string): Promise<void> {
    const layer = this.store.layerWithChainId(chainId);
    if (layer === undefined || !(await this.content.has(layer.blobDigest))) {
      this.log.warn("stale snapshot has no stored layer blob; leaving it to GC", { chainId });
      return;
    }
    this.log.warn("unpacking a layer again: it was not flushed to disk before the machine stopped", {
      chainId,
    });
    await this.snapshots.rebuild(chainId, (dir) => this.fillFromBlob(layer, dir));
  }

  private async fillFromBlob(layer: LayerSource, dir: string): Promise<{ size: number }> {
    const result = await applyLayer(this.content.path(layer.blobDigest), dir);
    checkDiffId(layer, result.diffId ?? layer.blobDigest);
    return { size: result.size };
  }

  /** Finds an image by reference, full ID, or ID prefix, following Docker's lookup order. */
  resolve(nameOrId: string): ImageRecord {
    const image = this.find(nameOrId);
    if (!image) throw noSuchImage(displayName(nameOrId));
    return image;
  }

  find(nameOrId: string): ImageRecord | undefined {
    const id = /^sha256:([a-f0-9]{64})$/.exec(nameOrId);
    if (id) return this.store.get(nameOrId);
    let refName: string | undefined;
    try {
      refName = normalizedString(parseNormalizedReference(nameOrId), true);
    } catch {
      refName = undefined;
    }
    if (refName !== undefined) {
      const ref = this.store.ref(refName);
      if (ref) return this.store.get(ref.imageId);
    }
    const prefix = /^(?:sha256:)?([a-f0-9]{1,64})$/.exec(nameOrId)?.[1];
    if (prefix !== undefined) {
      const ids = this.store.idsWithPrefix(prefix);
      if (ids.length === 1 && ids[0] !== undefined) return this.store.get(ids[0]);
    }
    return undefined;
  }

  /** The parsed config of an image (immutable, so cached by ID). */
  async config(id: string): Promise<ImageConfig> {
    const cached = this.configs.get(id);
    if (cached) return cached;
    const config = parseImageConfig(await this.content.readBuffer(id, MAX_CONFIG_BYTES));
    this.configs.set(id, config);
    return config;
  }

  /**
   * Unpacks layers bottom-up into snapshots keyed by chain ID, reusing existing ones. Each
   * layer's uncompressed digest must equal the diff ID the config promised.
   */
  async unpack(
    layers: readonly LayerSource[],
    lease: Lease,
    early?: EarlyUnpacks,
  ): Promise<{ records: LayerRecord[]; size: number }> {
    const ids = chainIds(layers.map((l) => l.diffId));
    const records: LayerRecord[] = [];
    let size = 0;
    for (const [i, layer] of layers.entries()) {
      const chainId = ids[i] ?? "";
      const parent = i === 0 ? null : (ids[i - 1] ?? null);
      lease.addSnapshot(chainId);
      const unpacked = this.snapshots.has(chainId) ? undefined : early?.take(layer.blobDigest);
      const snapshot =
        unpacked === undefined
          ? await this.snapshots.create(chainId, parent, (dir) => this.fillFromBlob(layer, dir))
          : await this.adoptEarlyUnpack(chainId, parent, layer, unpacked);
      size += snapshot.size;
      records.push({ chainId, ...layer });
    }
    return { records, size };
  }

  private async adoptEarlyUnpack(
    chainId: string,
    parent: string | null,
    layer: LayerSource,
    unpacked: EarlyUnpack,
  ): Promise<SnapshotInfo> {
    let result;
    try {
      result = await unpacked.result;
      checkDiffId(layer, result.diffId ?? layer.blobDigest);
    } catch (err) {
      await unpacked.scratch.discard();
      throw err;
    }
    return this.snapshots.adopt(chainId, parent, unpacked.scratch, result.size);
  }

  /**
   * Records images and their names in one transaction (all or none); returns, per name that
   * moved, the image ID it pointed at before.
   */
  commit(images: readonly NewImage[]): Promise<Map<string, string>> {
    return this.mutations.run(() =>
      this.store.transaction(() => {
        const moved = new Map<string, string>();
        for (const image of images) {
          for (const [name, old] of this.put(image)) moved.set(name, old);
        }
        return moved;
      }),
    );
  }

  private put(image: NewImage): Map<string, string> {
    this.configs.set(image.configDigest, image.config);
    return this.store.put(
      {
        id: image.configDigest,
        manifestDigest: image.manifestDigest,
        manifestMediaType: image.manifestMediaType,
        created: image.config.created ?? "",
        size: image.size,
        parent: image.parent ?? "",
        addedAt: Date.now(),
        lastTagTime: "",
        layers: image.layers,
      },
      image.names,
    );
  }

  /** The diff ID (digest of the uncompressed tar) of a layer blob. */
  async diffIdOf(blobDigest: string): Promise<string> {
    const { batches, compression } = await decompressBatches(createReadStream(this.content.path(blobDigest)));
    if (compression === "none") {
      await batches[Symbol.asyncIterator]().return?.();
      return blobDigest;
    }
    const hash = createHash("sha256");
    for await (const batch of batches) for (const chunk of batch) hash.update(chunk);
    return `sha256:${hash.digest("hex")}`;
  }

  /** Writes an OCI manifest for an image that arrived without one (legacy load, import). */
  async writeManifest(
    configDigest: string,
    layers: readonly LayerSource[],
    lease: Lease,
  ): Promise<{ digest: string; mediaType: string }> {
    const manifest = {
      schemaVersion: 2,
      mediaType: MediaType.ociManifest,
      config: {
        mediaType: MediaType.ociConfig,
        digest: configDigest,
        size: (await this.content.stat(configDigest)) ?? 0,
      },
      layers: layers.map((l) => ({ mediaType: l.blobMediaType, digest: l.blobDigest, size: l.blobSize })),
    };
    const bytes = Buffer.from(JSON.stringify(manifest));
    const digest = sha256Of(bytes);
    await this.content.writeBuffer(bytes, digest);
    lease.addBlob(digest);
    return { digest, mediaType: MediaType.ociManifest };
  }

  /** A new image from a parent, an optional new layer and a config (commit, build steps). */
  commitImage(request: CommitImageRequest): Promise<CommittedImage> {
    return commitImage(this, request);
  }

  /** `docker tag`: points a (normalised, tagged) name at an existing image. */
  tag(source: string, target: string): Promise<void> {
    return this.mutations.run(() => {
      const image = this.resolve(source);
      const ref = parseNormalizedReference(target);
      if (ref.digest !== undefined) {
        throw invalidArgument("TAG_DIGEST", "refusing to create a tag with a digest reference");
      }
      this.store.setRef({ name: normalizedString(ref, true), imageId: image.id, isDigest: false });
    });
  }

  /**
   * `docker rmi`, with Docker's rules: a name that is one of several names only untags; an ID
   * with several names needs force; the last name removes the image. Names and image row go in
   * one transaction; the content goes by GC after it.
   */
  remove(nameOrId: string, force: boolean): Promise<DeleteItem[]> {
    return this.mutations.run(async () => {
      const image = this.resolve(nameOrId);
      const byName = this.refNameFor(nameOrId, image.id);
      const items = this.store.transaction((): DeleteItem[] => {
        const refs = this.store.refsOf(image.id);
        const tags = refs.filter((r) => !r.isDigest);
        if (byName !== undefined && tags.length > 1) {
          this.store.removeRef(byName);
          return [{ untagged: byName }];
        }
        if (byName === undefined && tags.length > 1 && !force) {
          throw conflict(
            "IMAGE_MULTIPLE_REFS",
            `conflict: unable to delete ${image.id.slice(7, 19)} (must be forced) - image is referenced in multiple repositories`,
          );
        }
        // The last tag takes the digest references with it, as in Docker.
        const untagged = refs.map((r) => ({ untagged: r.name }));
        const user = this.containersUsing(image.id)[0];
        if (user !== undefined) {
          // Docker's rules: a running container's image cannot go; a stopped one's only with
          // force, and then only its names go (the image stays for the container).
          const short = image.id.slice(7, 19);
          const by = `${user.running ? "running" : "stopped"} container ${user.id.slice(0, 12)}`;
          if (user.running || !force) {
            throw conflict(
              "IMAGE_IN_USE",
              byName !== undefined && !user.running
                ? `conflict: unable to remove repository reference "${nameOrId}" (must force) - container ${user.id.slice(0, 12)} is using its referenced image ${short}`
                : `conflict: unable to delete ${short} (${user.running ? "cannot be forced" : "must be forced"}) - image is being used by ${by}`,
            );
          }
          for (const r of refs) this.store.removeRef(r.name);
          return untagged;
        }
        this.store.delete(image.id);
        return [...untagged, { deleted: image.id }, ...this.deleteUnusedParents(image.parent)];
      });
      if (items.some((i) => i.deleted !== undefined)) {
        this.configs.delete(image.id);
        await this.collect();
      }
      return items;
    });
  }

  /**
   * After an image goes, its untagged parents that nothing else uses go too (build steps),
   * as moby's ImageDelete does unless noprune is set.
   */
  private deleteUnusedParents(parentId: string): DeleteItem[] {
    const out: DeleteItem[] = [];
    for (let id = parentId; id !== "";) {
      const parent = this.store.get(id);
      if (!parent || this.store.refsOf(id).length > 0 || this.containersUsing(id).length > 0) break;
      if (this.store.list().some((i) => i.parent === id)) break;
      this.store.delete(id);
      this.configs.delete(id);
      out.push({ deleted: id });
      id = parent.parent;
    }
    return out;
  }

  /** Deletes the images `select` picks (prune), returning what went and the bytes freed. */
  pruneWhere(select: (image: ImageRecord) => boolean): Promise<{ items: DeleteItem[]; reclaimed: number }> {
    return this.mutations.run(async () => {
      const before = await this.diskUsage();
      const items = this.store.transaction(() =>
        this.store
          .list()
          .filter(select)
          .flatMap((image) => {
            const untagged = this.store.refsOf(image.id).map((r) => ({ untagged: r.name }));
            this.store.delete(image.id);
            this.configs.delete(image.id);
            return [...untagged, { deleted: image.id }];
          }),
      );
      await this.collect();
      return { items, reclaimed: Math.max(0, before - (await this.diskUsage())) };
    });
  }

  /** Removes blobs and snapshots no image references and no operation holds. */
  gc(): Promise<void> {
    return this.mutations.run(() => this.collect());
  }

  private async collect(): Promise<void> {
    const images = this.store.list();
    const blobs = new Set<string>();
    const chains = new Set<string>();
    for (const image of images) {
      blobs.add(image.id);
      blobs.add(image.manifestDigest);
      for (const l of image.layers) {
        blobs.add(l.blobDigest);
        chains.add(l.chainId);
      }
    }
    for await (const digest of this.content.list()) {
      if (!blobs.has(digest) && !this.leases.hasBlob(digest)) {
        await this.content.delete(digest);
        this.log.debug("gc: removed blob", { digest });
      }
    }
    // Children before parents: an unreferenced snapshot's children are unreferenced too.
    const all = this.snapshots.list();
    const parentOf = new Map(all.map((x) => [x.chainId, x.parent]));
    const depth = (chainId: string): number => {
      let d = 0;
      for (let p = parentOf.get(chainId); p; p = parentOf.get(p)) d++;
      return d;
    };
    const doomed = all
      .filter((x) => !chains.has(x.chainId) && !this.leases.hasSnapshot(x.chainId))
      .sort((a, b) => depth(b.chainId) - depth(a.chainId));
    for (const s of doomed) {
      await this.snapshots.remove(s.chainId);
      this.log.debug("gc: removed snapshot", { chainId: s.chainId });
    }
  }

  /** Bytes used by blobs and snapshots together. */
  async diskUsage(): Promise<number> {
    let total = 0;
    for await (const digest of this.content.list()) total += (await this.content.stat(digest)) ?? 0;
    for (const s of this.snapshots.list()) total += s.size;
    return total;
  }

  /** The normalised name that `nameOrId` names for this image, if it names one (not an ID). */
  private refNameFor(nameOrId: string, imageId: string): string | undefined {
    if (isHex64(nameOrId.replace(/^sha256:/, "")) || nameOrId.startsWith("sha256:")) return undefined;
    try {
      const name = normalizedString(parseNormalizedReference(nameOrId), true);
      return this.store.ref(name)?.imageId === imageId ? name : undefined;
    } catch {
      return undefined;
    }
  }
}

/** How Docker names a missing image in errors: a reference with its default tag, else as given. */
function displayName(nameOrId: string): string {
  if (nameOrId.startsWith("sha256:")) return nameOrId;
  try {
    const ref = parseNormalizedReference(nameOrId);
    return familiarString(
      ref.tag === undefined && ref.digest === undefined ? { ...ref, tag: "latest" } : ref,
    );
  } catch {
    return nameOrId;
  }
}

/** OCI image-spec config.md: each layer's uncompressed digest must equal the config's diff ID. */
function checkDiffId(layer: LayerSource, diffId: string): void {
  if (diffId !== layer.diffId) {
    throw invalidArgument(
      "DIFF_ID_MISMATCH",
      `layer ${layer.blobDigest}: uncompressed content ${diffId} does not match diff ID ${layer.diffId} in the image config`,
    );
  }
}

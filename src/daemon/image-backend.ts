// The ImageBackend the API routes call: maps image records to Docker's wire shapes and the
// request options to the image service.
import type { ImageBackend } from "../api/server/index.ts";
import type {
  ContainerConfig,
  ImageHistoryItem,
  ImageInspect,
  ImageSummary,
  SystemDataUsage,
} from "../api/types/index.ts";
import {
  type ImageRecord,
  type ImageService,
  familiarOf,
  importRootfs,
  loadArchive,
  resolveSaveItems,
  writeSaveArchive,
} from "../image/index.ts";
import { invalidArgument } from "../lib/index.ts";
import { withJsonText } from "../api/server/index.ts";
import { memoByChanges } from "./changes-memo.ts";
import type { ImageConfig } from "../oci/index.ts";
import { filterReferences, imagePredicate } from "./image-filters.ts";

export function createImageBackend(images: ImageService): ImageBackend & {
  dataUsage(types: ReadonlySet<string>): Promise<SystemDataUsage>;
} {
  // Every summary in wire shape (frozen, with its JSON text) and the build-step parents, built
  // again only after a write to the db: a 200-image listing cost berthd ~5 ms per request.
  const listing = memoByChanges(images.store.changes, async () => {
    // All db reads first, before any await (memoByChanges' contract). One query for every name,
    // grouped here: per-image queries dominate a 200-image listing.
    const records = images.store.list();
    const names = new Map<string, Names>();
    for (const ref of images.store.allRefs()) {
      const entry = names.get(ref.imageId) ?? { tags: [], digests: [] };
      (ref.isDigest ? entry.digests : entry.tags).push(familiarOf(ref.name));
      names.set(ref.imageId, entry);
    }
    const list = await Promise.all(
      records.map((r) => summary(images, r, names.get(r.id) ?? { tags: [], digests: [] })),
    );
    list.sort((a, b) => b.Created - a.Created || a.Id.localeCompare(b.Id));
    return {
      summaries: list.map((s) => withJsonText(s)) as readonly ImageSummary[],
      parents: new Set(records.map((r) => r.parent).filter((p) => p !== "")) as ReadonlySet<string>,
    };
  });
  const summaries = async (): Promise<readonly ImageSummary[]> => (await listing()).summaries;
  const createdOf = (ref: string): number => created(images.resolve(ref).created);

  return {
    async listImages({ all, filters }) {
      const matches = imagePredicate(filters, createdOf);
      const { summaries: list, parents } = await listing();
      // Build steps' intermediate images (untagged parents of other images) only show with -a, as in Docker.
      const visible = (s: ImageSummary): boolean => all || s.RepoTags.length > 0 || !parents.has(s.Id);
      return filterReferences(
        list.filter((s) => visible(s) && matches(s)),
        filters,
      );
    },

    async inspectImage(name) {
      return inspect(images, images.resolve(name));
    },

    async imageHistory(name) {
      const record = images.resolve(name);
      const sizeOf = (chainId: string): number => images.snapshots.get(chainId)?.size ?? 0;
      return history(record, await images.config(record.id), tagsOf(images, record.id).tags, sizeOf);
    },

    async tagImage(name, repo, tag) {
      if (repo === "") throw invalidArgument("TAG_REPO", "repository name must have at least one component");
      await images.tag(name, tag === "" ? repo : `${repo}:${tag}`);
    },

    async removeImage(name, force) {
      const items = await images.remove(name, force);
      return items.map((i) =>
        i.untagged !== undefined ? { Untagged: familiarOf(i.untagged) } : { Deleted: i.deleted ?? "" },
      );
    },

    async pruneImages(filters) {
      const all = filters.get("dangling")?.some((v) => ["false", "0"].includes(v.toLowerCase())) ?? false;
      const rest = new Map(filters);
      rest.delete("dangling");
      const matches = imagePredicate(rest, createdOf);
      const wanted = new Set(
        (await summaries())
          .filter((s) => (all || s.RepoTags.length === 0) && matches(s))
          .filter((s) => images.containersUsing(s.Id).length === 0)
          .map((s) => s.Id),
      );
      // The build steps under a kept image stay (Docker prunes only images without children).
      const records = images.store.list();
      const parentOf = new Map(records.map((r) => [r.id, r.parent]));
      for (const r of records) {
        if (wanted.has(r.id)) continue;
        for (let p = parentOf.get(r.id); p; p = parentOf.get(p)) wanted.delete(p);
      }
      const { items, reclaimed } = await images.pruneWhere((image) => wanted.has(image.id));
      return {
        ImagesDeleted:
          items.length === 0
            ? null
            : items.map((i) =>
                i.untagged !== undefined
                  ? { Untagged: familiarOf(i.untagged) }
                  : { Deleted: i.deleted ?? "" },
              ),
        SpaceReclaimed: reclaimed,
      };
    },

    async loadImages(archive, progress) {
      await loadArchive(images, archive, progress);
    },

    async saveImages(names) {
      return writeSaveArchive(images, resolveSaveItems(images, names));
    },

    async importImage(source, options, progress) {
      const name =
        options.repo === "" ? "" : options.tag === "" ? options.repo : `${options.repo}:${options.tag}`;
      await importRootfs(
        images,
        source,
        { name, changes: options.changes, message: options.message },
        progress,
      );
    },

    async dataUsage(types) {
      const want = (t: string): boolean => types.size === 0 || types.has(t);
      const list = want("image") ? await summaries() : [];
      return {
        LayersSize: want("image") ? images.snapshots.list().reduce((n, s) => n + s.size, 0) : 0,
        Images: list.map((s) => ({
          ...s,
          Containers: images.containersUsing(s.Id).length,
          SharedSize: sharedSize(images, s.Id),
        })),
        Containers: [],
        Volumes: [],
        BuildCache: [],
      };
    },
  };
}

interface Names {
  tags: string[];
  digests: string[];
}

function tagsOf(images: ImageService, id: string): Names {
  const refs = images.store.refsOf(id);
  return {
    tags: refs.filter((r) => !r.isDigest).map((r) => familiarOf(r.name)),
    digests: refs.filter((r) => r.isDigest).map((r) => familiarOf(r.name)),
  };
}

function created(rfc3339: string): number {
  const t = Date.parse(rfc3339);
  return Number.isNaN(t) ? 0 : Math.floor(t / 1000);
}

async function summary(images: ImageService, record: ImageRecord, names: Names): Promise<ImageSummary> {
  const config = await images.config(record.id);
  const { tags, digests } = names;
  return {
    Id: record.id,
    ParentId: record.parent,
    RepoTags: tags,
    RepoDigests: digests,
    Created: created(record.created),
    Size: record.size,
    SharedSize: -1,
    // A copy: the summary is frozen, the config is the image service's cached one.
    Labels: { ...config.config?.Labels },
    Containers: -1,
  };
}

/** Bytes of this image's layers that other images use too (system df -v "SHARED SIZE"). */
function sharedSize(images: ImageService, id: string): number {
  const all = images.store.list();
  const mine = all.find((r) => r.id === id);
  if (!mine) return 0;
  const sizes = new Map(images.snapshots.list().map((s) => [s.chainId, s.size]));
  let shared = 0;
  for (const layer of mine.layers) {
    if (all.some((r) => r.id !== id && r.layers.some((l) => l.chainId === layer.chainId))) {
      shared += sizes.get(layer.chainId) ?? 0;
    }
  }
  return shared;
}

async function inspect(images: ImageService, record: ImageRecord): Promise<ImageInspect> {
  const config = await images.config(record.id);
  const { tags, digests } = tagsOf(images, record.id);
  const lowerDirs =
    record.layers.length > 0 ? images.snapshots.lowerDirs(record.layers.at(-1)?.chainId ?? "") : [];
  return {
    Id: record.id,
    RepoTags: tags,
    RepoDigests: digests,
    Parent: record.parent,
    Comment: config.comment ?? "",
    Created: config.created ?? "",
    DockerVersion: config.docker_version ?? "",
    Author: config.author ?? "",
    Config: containerConfig(config),
    Architecture: config.architecture,
    ...(config.variant ? { Variant: config.variant } : {}),
    Os: config.os,
    ...(config["os.version"] ? { OsVersion: config["os.version"] } : {}),
    Size: record.size,
    GraphDriver: { Name: "overlayfs", Data: { LowerDir: lowerDirs.join(":") } },
    RootFS: { Type: "layers", Layers: config.rootfs.diff_ids },
    Metadata: { LastTagTime: record.lastTagTime || "0001-01-01T00:00:00Z" },
  };
}

/** The image's runtime config in the API's shape; absent fields are left out, not null. */
function containerConfig(config: ImageConfig): ContainerConfig {
  const c = config.config ?? {};
  const out: ContainerConfig = { User: c.User ?? "", WorkingDir: c.WorkingDir ?? "" };
  if (c.ExposedPorts) out.ExposedPorts = c.ExposedPorts;
  if (c.Env) out.Env = c.Env;
  if (c.Cmd) out.Cmd = c.Cmd;
  if (c.Healthcheck) out.Healthcheck = c.Healthcheck;
  if (c.ArgsEscaped !== undefined) out.ArgsEscaped = c.ArgsEscaped;
  if (c.Volumes) out.Volumes = c.Volumes;
  if (c.Entrypoint) out.Entrypoint = c.Entrypoint;
  if (c.OnBuild) out.OnBuild = c.OnBuild;
  if (c.Labels) out.Labels = c.Labels;
  if (c.StopSignal) out.StopSignal = c.StopSignal;
  if (c.Shell) out.Shell = c.Shell;
  return out;
}

/** History newest first, as Docker lists it; entries with a layer carry its size. */
function history(
  record: ImageRecord,
  config: ImageConfig,
  tags: string[],
  sizeOf: (chainId: string) => number,
): ImageHistoryItem[] {
  const entries = config.history ?? [];
  const items: ImageHistoryItem[] = [];
  let layer = 0;
  for (const h of entries) {
    const layerRecord = h.empty_layer ? undefined : record.layers[layer++];
    items.push({
      Id: "<missing>",
      Created: created(h.created ?? ""),
      CreatedBy: h.created_by ?? "",
      Tags: [],
      Size: layerRecord ? sizeOf(layerRecord.chainId) : 0,
      Comment: h.comment ?? "",
    });
  }
  items.reverse();
  const top = items[0];
  if (top) {
    top.Id = record.id;
    top.Tags = tags;
  }
  return items;
}

// On-disk storage of `berth registry serve`, under --root:
//
//   blobs/sha256/<hex>            every blob and manifest, by digest (the content store's layout,
//                                 so src/content reads, stats and deletes them)
//   ingest/                       the content store's temp files
//   uploads/<id>/data, info.json  upload sessions: bytes so far and which repository owns them
//   repositories/<name>/_layers/sha256/<hex>             blob linked into the repository
//   repositories/<name>/_manifests/revisions/sha256/<hex>  manifest in the repository (holds its media type)
//   repositories/<name>/_manifests/tags/<tag>            the digest the tag points to
//   repositories/<name>/_referrers/sha256/<subject>/<hex>  descriptor of a manifest whose subject is <subject>
//
// Small files rather than SQLite: the registry is a separate process from berthd and may share
// nothing with it, every record is one small value written atomically (temp file, fsync, rename,
// fsync of the folder), and repository names and tags never start with "_" or "." (repo-name.ts),
// so the folders above cannot collide with names. Crash safety: a blob is renamed into place
// only after its digest was checked and it was fsynced; a manifest's revision is written after
// its blob, its referrer entry after that, and a tag last, so every name leads to whole data.
// Upload sessions survive a restart: their offset is the size of data, their hash is rebuilt
// from the file when needed.
import { createHash, randomBytes, randomUUID, type Hash } from "node:crypto";
import {
  mkdir,
  open,
  readdir,
  readFile,
  rename,
  rm,
  stat,
  statfs,
  unlink,
  writeFile,
  type FileHandle,
} from "node:fs/promises";
import { dirname, join } from "node:path";
import { ContentStore } from "../../content/index.ts";
import { Mutex } from "../../lib/index.ts";
import { registryError } from "./registry-errors.ts";

export interface ReferrerDescriptor {
  mediaType: string;
  digest: string;
  size: number;
  artifactType?: string;
  annotations?: Record<string, string>;
}

interface LiveUpload {
  /** Bytes hashed so far; equals the data file's size while nobody writes. */
  size: number;
  hash: Hash | undefined;
  lock: Mutex;
}

const UPLOAD_ID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export class RegistryStorage {
  readonly root: string;
  readonly blobs: ContentStore;
  readonly #uploads = new Map<string, LiveUpload>();

  constructor(root: string) {
    this.root = root;
    this.blobs = new ContentStore({ root });
  }

  /** Creates the folders; removes content-store temp files and upload sessions idle past `uploadTtlMs`. */
  async init(uploadTtlMs: number): Promise<void> {
    for (const d of ["blobs/sha256", "uploads", "repositories"]) await ensureDir(join(this.root, d));
    await this.blobs.removeIngests();
    await this.purgeUploads(uploadTtlMs);
  }

  // ---------- repositories

  #repo(name: string): string {
    return join(this.root, "repositories", ...name.split("/"));
  }

  async repositoryExists(name: string): Promise<boolean> {
    return isDir(this.#repo(name));
  }

  /** Every repository with a _manifests folder, in no order. */
  async listRepositories(): Promise<string[]> {
    const found: string[] = [];
    const walk = async (dir: string, prefix: string): Promise<void> => {
      let entries;
      try {
        entries = await readdir(dir, { withFileTypes: true });
      } catch {
        return;
      }
      for (const e of entries) {
        if (!e.isDirectory()) continue;
        if (e.name === "_manifests" && prefix !== "") found.push(prefix);
        if (e.name.startsWith("_") || e.name.startsWith(".")) continue;
        await walk(join(dir, e.name), prefix === "" ? e.name : `${prefix}/${e.name}`);
      }
    };
    await walk(join(this.root, "repositories"), "");
    return found;
  }

  // ---------- blobs in repositories

  #layerLink(name: string, digest: string): string {
    return join(this.#repo(name), "_layers", "sha256", hexOf(digest));
  }

  async blobSize(digest: string): Promise<number | null> {
    return this.blobs.stat(digest);
  }

  /** The blob's size when it is stored and linked into `name`, else null. */
  async repoBlobSize(name: string, digest: string): Promise<number | null> {
    if (!(await exists(this.#layerLink(name, digest)))) return null;
    return this.blobs.stat(digest);
  }

  async linkBlob(name: string, digest: string): Promise<void> {
    await writeAtomic(this.#layerLink(name, digest), "");
  }

  /** Unlinks a blob from a repository (the bytes stay for other repositories). */
  async unlinkBlob(name: string, digest: string): Promise<boolean> {
    return removeFile(this.#layerLink(name, digest));
  }

  // ---------- manifests and tags

  #revision(name: string, digest: string): string {
    return join(this.#repo(name), "_manifests", "revisions", "sha256", hexOf(digest));
  }

  #tag(name: string, tag: string): string {
    return join(this.#repo(name), "_manifests", "tags", tag);
  }

  #referrerDir(name: string, subject: string): string {
    return join(this.#repo(name), "_referrers", "sha256", hexOf(subject));
  }

  /** The media type of a manifest in the repository, or undefined. */
  async manifestMediaType(name: string, digest: string): Promise<string | undefined> {
    const text = await readSmall(this.#revision(name, digest));
    if (text === undefined) return undefined;
    return (await this.blobs.stat(digest)) === null ? undefined : text;
  }

  async resolveTag(name: string, tag: string): Promise<string | undefined> {
    const text = (await readSmall(this.#tag(name, tag)))?.trim();
    return text !== undefined && /^sha256:[a-f0-9]{64}$/.test(text) ? text : undefined;
  }

  /**
   * Stores a manifest already validated by the caller: bytes, revision, referrer entry, tags, in
   * that order (see the header). Returns its digest.
   */
  async putManifest(
    name: string,
    bytes: Buffer,
    mediaType: string,
    tags: readonly string[],
    referrer?: { subject: string; descriptor: ReferrerDescriptor },
  ): Promise<string> {
    const { digest } = await this.blobs.writeBuffer(bytes);
    await ensureDir(join(this.#repo(name), "_manifests", "tags"));
    await writeAtomic(this.#revision(name, digest), mediaType);
    if (referrer) {
      await writeAtomic(
        join(this.#referrerDir(name, referrer.subject), hexOf(digest)),
        JSON.stringify(referrer.descriptor),
      );
    }
    for (const tag of tags) await writeAtomic(this.#tag(name, tag), digest);
    return digest;
  }

  async readManifest(digest: string): Promise<Buffer> {
    return this.blobs.readBuffer(digest, 64 << 20);
  }

  /** Tags of a repository, or undefined when the repository does not exist. */
  async listTags(name: string): Promise<string[] | undefined> {
    if (!(await this.repositoryExists(name))) return undefined;
    try {
      return (await readdir(join(this.#repo(name), "_manifests", "tags"))).filter((t) => !t.startsWith("."));
    } catch {
      return [];
    }
  }

  async deleteTag(name: string, tag: string): Promise<boolean> {
    return removeFile(this.#tag(name, tag));
  }

  /** Deletes a manifest from a repository: its tags, its referrer entry, then the revision. */
  async deleteManifest(name: string, digest: string, subject: string | undefined): Promise<boolean> {
    if ((await readSmall(this.#revision(name, digest))) === undefined) return false;
    for (const tag of (await this.listTags(name)) ?? []) {
      if ((await this.resolveTag(name, tag)) === digest) await this.deleteTag(name, tag);
    }
    if (subject !== undefined) await removeFile(join(this.#referrerDir(name, subject), hexOf(digest)));
    return removeFile(this.#revision(name, digest));
  }

  /** Descriptors of manifests in `name` whose subject is `subject` (entries of deleted ones skipped). */
  async referrers(name: string, subject: string): Promise<ReferrerDescriptor[]> {
    const dir = this.#referrerDir(name, subject);
    let names: string[];
    try {
      names = await readdir(dir);
    } catch {
      return [];
    }
    const out: ReferrerDescriptor[] = [];
    for (const hex of names.filter((n) => /^[a-f0-9]{64}$/.test(n)).sort()) {
      const text = await readSmall(join(dir, hex));
      if (text === undefined || (await readSmall(this.#revision(name, `sha256:${hex}`))) === undefined)
        continue;
      try {
        out.push(JSON.parse(text) as ReferrerDescriptor);
      } catch {
        // a torn entry cannot exist (atomic writes); skip anything unreadable all the same
      }
    }
    return out;
  }

  // ---------- garbage collection

  /**
   * Deletes blob bytes no repository links any more (as a layer or a manifest revision). Blobs
   * younger than `graceMs` are kept: an upload renames its blob into place just before linking
   * it, so a collection running beside a push must not take it in between.
   */
  async collectGarbage(graceMs: number, dryRun = false): Promise<{ removed: string[]; kept: number }> {
    const live = new Set<string>();
    for (const name of await this.listRepositories()) {
      for (const sub of ["_layers/sha256", "_manifests/revisions/sha256"]) {
        for (const hex of await readdir(join(this.#repo(name), sub)).catch(() => [] as string[]))
          live.add(hex);
      }
    }
    // Repositories whose last manifest is gone still hold layer links: count those too.
    const walk = async (dir: string): Promise<void> => {
      for (const e of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
        if (!e.isDirectory()) continue;
        const path = join(dir, e.name);
        if (e.name === "_layers") {
          for (const hex of await readdir(join(path, "sha256")).catch(() => [] as string[])) live.add(hex);
        } else if (!e.name.startsWith("_")) await walk(path);
      }
    };
    await walk(join(this.root, "repositories"));
    const removed: string[] = [];
    let kept = 0;
    for await (const digest of this.blobs.list()) {
      const st = await stat(this.blobs.path(digest)).catch(() => undefined);
      if (live.has(hexOf(digest)) || st === undefined || Date.now() - st.mtimeMs < graceMs) {
        kept++;
        continue;
      }
      if (!dryRun) await this.blobs.delete(digest);
      removed.push(digest);
    }
    return { removed, kept };
  }

  // ---------- upload sessions (spec.md "Pushing blobs")

  #uploadDir(id: string): string {
    return join(this.root, "uploads", id);
  }

  async startUpload(name: string): Promise<string> {
    const id = randomUUID();
    const dir = this.#uploadDir(id);
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, "data"), "");
    await writeAtomic(join(dir, "info.json"), JSON.stringify({ name, startedAt: new Date().toISOString() }));
    this.#uploads.set(id, { size: 0, hash: createHash("sha256"), lock: new Mutex() });
    return id;
  }

  /** The session's bytes so far, or undefined when `id` is no session of `name`. */
  async uploadSize(name: string, id: string): Promise<number | undefined> {
    const live = await this.#live(name, id);
    return live?.lock.run(() => live.size);
  }

  async #live(name: string, id: string): Promise<LiveUpload | undefined> {
    if (!UPLOAD_ID_RE.test(id)) return undefined;
    const text = await readSmall(join(this.#uploadDir(id), "info.json"));
    if (text === undefined) return undefined;
    try {
      if ((JSON.parse(text) as { name?: string }).name !== name) return undefined;
    } catch {
      return undefined;
    }
    let live = this.#uploads.get(id);
    if (live === undefined) {
      // A session from before a restart: resume at the size of its data; hash it when needed.
      const st = await stat(join(this.#uploadDir(id), "data")).catch(() => undefined);
      if (st === undefined) return undefined;
      live = { size: st.size, hash: undefined, lock: new Mutex() };
      this.#uploads.set(id, live);
    }
    return live;
  }

  /**
   * Appends a chunk that must start at the session's current size (else 416, spec.md "Pushing a
   * blob in chunks"). `length`, when known, is checked against the bytes received. On a failed
   * or cut request the bytes already written are kept, so the client can resume from them.
   */
  async appendUpload(
    name: string,
    id: string,
    start: number | undefined,
    body: AsyncIterable<Buffer>,
    length: number | undefined,
  ): Promise<number> {
    const live = await this.#live(name, id);
    if (live === undefined) throw registryError("BLOB_UPLOAD_UNKNOWN");
    return live.lock.run(async () => {
      if (!(await exists(join(this.#uploadDir(id), "data")))) throw registryError("BLOB_UPLOAD_UNKNOWN");
      if (start !== undefined && start !== live.size) {
        throw registryError("RANGE_INVALID", { expectedStart: live.size, start });
      }
      if (length !== undefined) await this.#checkSpace(length);
      const file = await open(join(this.#uploadDir(id), "data"), "r+");
      let received = 0;
      try {
        await file.truncate(live.size);
        if (live.hash === undefined) live.hash = await hashFile(file, live.size);
        for await (const chunk of body) {
          if (length !== undefined && received + chunk.byteLength > length) {
            throw registryError("SIZE_INVALID", { contentLength: length });
          }
          let offset = 0;
          while (offset < chunk.byteLength) {
            const { bytesWritten } = await file.write(
              chunk,
              offset,
              chunk.byteLength - offset,
              live.size + offset,
            );
            offset += bytesWritten;
          }
          live.hash.update(chunk);
          live.size += chunk.byteLength;
          received += chunk.byteLength;
        }
        if (length !== undefined && received !== length) {
          throw registryError("SIZE_INVALID", { contentLength: length, received });
        }
      } finally {
        await file.close();
      }
      return live.size;
    });
  }

  /**
   * Ends a session: the whole blob must hash to `digest` (else DIGEST_INVALID and the session is
   * dropped); it is fsynced, renamed into blobs/ and linked into the repository.
   */
  async finishUpload(name: string, id: string, digest: string): Promise<number> {
    const live = await this.#live(name, id);
    if (live === undefined) throw registryError("BLOB_UPLOAD_UNKNOWN");
    return live.lock.run(async () => {
      const dir = this.#uploadDir(id);
      const dataPath = join(dir, "data");
      const file = await open(dataPath, "r+").catch(() => undefined);
      if (file === undefined) throw registryError("BLOB_UPLOAD_UNKNOWN");
      let actual: string;
      try {
        await file.truncate(live.size);
        live.hash ??= await hashFile(file, live.size);
        actual = `sha256:${live.hash.copy().digest("hex")}`;
        if (actual === digest) await file.sync();
      } finally {
        await file.close();
      }
      if (actual !== digest) {
        await this.#dropUpload(id);
        throw registryError("DIGEST_INVALID", { expected: digest, actual });
      }
      const size = live.size;
      const finalPath = this.blobs.path(digest);
      if ((await this.blobs.stat(digest)) !== size) {
        // rename is atomic: readers see no blob or the whole verified one. Two sessions of one
        // blob may both rename; the second replaces identical bytes.
        await rename(dataPath, finalPath);
        await syncDir(dirname(finalPath));
      }
      await this.linkBlob(name, digest);
      await this.#dropUpload(id);
      return size;
    });
  }

  async cancelUpload(name: string, id: string): Promise<boolean> {
    const live = await this.#live(name, id);
    if (live === undefined) return false;
    await live.lock.run(() => this.#dropUpload(id));
    return true;
  }

  async #dropUpload(id: string): Promise<void> {
    this.#uploads.delete(id);
    await rm(this.#uploadDir(id), { recursive: true, force: true });
  }

  /** Removes sessions whose data has not changed for `ttlMs` (spec: "SHOULD eventually timeout"). */
  async purgeUploads(ttlMs: number): Promise<number> {
    const dir = join(this.root, "uploads");
    let removed = 0;
    for (const id of await readdir(dir).catch(() => [] as string[])) {
      const st = await stat(join(dir, id, "data")).catch(() => undefined);
      if (st && Date.now() - st.mtimeMs < ttlMs) continue;
      await this.#dropUpload(id);
      removed++;
    }
    return removed;
  }

  /** Refuses a claim larger than the free space (a "10 GB upload" must not fill the disk). */
  async #checkSpace(length: number): Promise<void> {
    const fs = await statfs(this.root).catch(() => undefined);
    if (fs === undefined) return;
    const free = fs.bavail * fs.bsize;
    if (length > free) {
      throw registryError(
        "SIZE_INVALID",
        { contentLength: length, available: free },
        {
          status: 413,
          message: "upload larger than the space left on the registry's disk",
        },
      );
    }
  }

  async checkSpace(length: number): Promise<void> {
    return this.#checkSpace(length);
  }
}

function hexOf(digest: string): string {
  return digest.slice("sha256:".length);
}

async function hashFile(file: FileHandle, size: number): Promise<Hash> {
  const hash = createHash("sha256");
  const buf = Buffer.allocUnsafe(1 << 20);
  let pos = 0;
  while (pos < size) {
    const { bytesRead } = await file.read(buf, 0, Math.min(buf.length, size - pos), pos);
    if (bytesRead === 0) break;
    hash.update(buf.subarray(0, bytesRead));
    pos += bytesRead;
  }
  return hash;
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

async function isDir(path: string): Promise<boolean> {
  return stat(path).then(
    (s) => s.isDirectory(),
    () => false,
  );
}

async function readSmall(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT" || (err as NodeJS.ErrnoException).code === "ENOTDIR")
      return undefined;
    throw err;
  }
}

async function removeFile(path: string): Promise<boolean> {
  try {
    await unlink(path);
    await syncDir(dirname(path));
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return false;
    throw err;
  }
}

async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, "r");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** mkdir -p, with each new folder's entry made durable in its parent. */
async function ensureDir(dir: string): Promise<void> {
  const first = await mkdir(dir, { recursive: true });
  if (first === undefined) return;
  for (let d = dir; d !== dirname(first); d = dirname(d)) await syncDir(dirname(d));
}

/** Writes a small file so that readers see the old or the new content, never a part. */
async function writeAtomic(path: string, data: string): Promise<void> {
  const dir = dirname(path);
  await ensureDir(dir);
  const tmp = join(dir, `.tmp-${randomBytes(8).toString("hex")}`);
  const file = await open(tmp, "wx");
  try {
    await file.writeFile(data);
    await file.sync();
  } finally {
    await file.close();
  }
  try {
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
  await syncDir(dir);
}

// Downloads a blob into the content store, verifying its digest and size while it streams.
// A broken download keeps its bytes in `<content root>/partial/<hex>` (not ingest/, which a
// restart clears) and the next attempt continues with `Range: bytes=<n>-` (spec.md "Pulling
// blobs" allows registries to honour ranges; a 200 instead of 206 restarts from zero).
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { mkdir, open, readdir, rename, rm, stat } from "node:fs/promises";
import { dirname, join } from "node:path";
import type { ContentStore } from "../../content/index.ts";
import { EngineError, badSize } from "../../lib/index.ts";
import { digestHex } from "../../oci/index.ts";
import type { RemoteRepository } from "./remote-repository.ts";

export interface BlobTarget {
  digest: string;
  size: number;
}

/** Progress: bytes of the blob held so far (including a resumed prefix). */
export type DownloadProgress = (current: number, total: number) => void;

export function partialPath(content: ContentStore, digest: string): string {
  return join(content.root, "partial", digestHex(digest));
}

/** Downloads in flight, by partial file: two pulls of one blob must not write one file at once. */
const inFlight = new Map<string, Promise<void>>();

export async function downloadBlob(
  repo: RemoteRepository,
  blob: BlobTarget,
  content: ContentStore,
  progress: DownloadProgress,
  signal?: AbortSignal,
): Promise<void> {
  const key = partialPath(content, blob.digest);
  for (let running = inFlight.get(key); running !== undefined; running = inFlight.get(key)) {
    await running.catch(() => undefined);
  }
  if ((await content.stat(blob.digest)) === blob.size) return;
  signal?.throwIfAborted();
  const work = fetchBlob(repo, blob, content, progress, signal);
  inFlight.set(key, work);
  try {
    await work;
  } finally {
    inFlight.delete(key);
  }
}

async function fetchBlob(
  repo: RemoteRepository,
  blob: BlobTarget,
  content: ContentStore,
  progress: DownloadProgress,
  signal: AbortSignal | undefined,
): Promise<void> {
  const partial = partialPath(content, blob.digest);
  await mkdir(dirname(partial), { recursive: true, mode: 0o700 });
  const hash = createHash("sha256");
  let have = await sizeOf(partial);
  if (have > blob.size) {
    await rm(partial, { force: true });
    have = 0;
  }
  // Re-hash what an earlier attempt kept, so the digest still covers every byte.
  if (have > 0) {
    for await (const chunk of createReadStream(partial, { end: have - 1 })) hash.update(chunk as Buffer);
  }
  if (have === blob.size && blob.size > 0) {
    // Complete already (a crash between the last byte and the rename): publish it if it is right.
    if (`sha256:${hash.digest("hex")}` === blob.digest) {
      progress(have, blob.size);
      const final = content.path(blob.digest);
      await mkdir(dirname(final), { recursive: true, mode: 0o700 });
      await rename(partial, final);
      return;
    }
    await rm(partial, { force: true });
    return fetchBlob(repo, blob, content, progress, signal);
  }
  const { res, resumed } =
    have > 0 && have < blob.size ? await repo.blob(blob.digest, have) : await repo.blob(blob.digest, 0);
  // Cancelled (another layer of the pull failed): the bytes so far stay for the next pull.
  const cancel = (): void => void res.destroy(new Error("download cancelled"));
  signal?.addEventListener("abort", cancel, { once: true });
  if (signal?.aborted) cancel();
  try {
    if (!resumed && have > 0) {
      // The registry ignored the Range: start over.
      return await downloadFresh(repo, blob, content, progress, res);
    }
    return await write(partial, have, hash, res, blob, content, progress);
  } finally {
    signal?.removeEventListener("abort", cancel);
  }
}

async function downloadFresh(
  _repo: RemoteRepository,
  blob: BlobTarget,
  content: ContentStore,
  progress: DownloadProgress,
  res: AsyncIterable<unknown> & { destroy(): void },
): Promise<void> {
  const partial = partialPath(content, blob.digest);
  await rm(partial, { force: true });
  return write(partial, 0, createHash("sha256"), res, blob, content, progress);
}

async function write(
  partial: string,
  start: number,
  hash: ReturnType<typeof createHash>,
  res: AsyncIterable<unknown> & { destroy(): void },
  blob: BlobTarget,
  content: ContentStore,
  progress: DownloadProgress,
): Promise<void> {
  const file = await open(partial, start > 0 ? "a" : "w", 0o600);
  let have = start;
  let lastReport = 0;
  try {
    progress(have, blob.size);
    for await (const chunk of res as AsyncIterable<Buffer>) {
      if (have + chunk.length > blob.size) {
        res.destroy();
        await file.close();
        await rm(partial, { force: true });
        throw badSize(blob.digest, blob.size, have + chunk.length);
      }
      let off = 0;
      while (off < chunk.length) off += (await file.write(chunk, off, chunk.length - off)).bytesWritten;
      hash.update(chunk);
      have += chunk.length;
      const now = Date.now();
      if (now - lastReport >= 100 || have === blob.size) {
        lastReport = now;
        progress(have, blob.size);
      }
    }
    if (have !== blob.size) {
      // The connection ended early: keep the bytes for the next attempt.
      await file.sync();
      throw badSize(blob.digest, blob.size, have);
    }
    const actual = `sha256:${hash.digest("hex")}`;
    if (actual !== blob.digest) {
      await file.close().catch(() => undefined);
      await rm(partial, { force: true });
      // moby's wording (distribution/pull_v2.go), with what arrived instead.
      throw new EngineError(
        "invalid-argument",
        "DIGEST_MISMATCH",
        `filesystem layer verification failed for digest ${blob.digest} (got ${actual})`,
      );
    }
    // Verified: make it durable and publish it under its digest (DESIGN.md "Storage").
    await file.sync();
    await file.close();
    const final = content.path(blob.digest);
    await mkdir(dirname(final), { recursive: true, mode: 0o700 });
    await rename(partial, final);
  } catch (err) {
    await file.sync().catch(() => undefined);
    await file.close().catch(() => undefined);
    throw err;
  }
}

async function sizeOf(path: string): Promise<number> {
  try {
    return (await stat(path)).size;
  } catch {
    return 0;
  }
}

/** Drops partial downloads untouched for `maxAgeMs` (no pull came back for them). */
export async function removeStalePartials(content: ContentStore, maxAgeMs: number): Promise<number> {
  const dir = join(content.root, "partial");
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return 0;
  }
  let removed = 0;
  for (const name of names) {
    const path = join(dir, name);
    const st = await stat(path).catch(() => undefined);
    if (st !== undefined && Date.now() - st.mtimeMs > maxAgeMs) {
      await rm(path, { force: true });
      removed++;
    }
  }
  return removed;
}

// Digests and compression of fixture files, streamed so that big layers never sit in memory.
import { createHash } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { open } from "node:fs/promises";
import { pipeline } from "node:stream/promises";
import { createGunzip, createGzip } from "node:zlib";

/** `sha256:<hex>` of bytes. */
export function sha256Digest(data: Uint8Array | string): string {
  return `sha256:${createHash("sha256").update(data).digest("hex")}`;
}

/** `sha256:<hex>` of a file's bytes. */
export async function sha256File(path: string): Promise<string> {
  const hash = createHash("sha256");
  await pipeline(createReadStream(path), hash);
  return `sha256:${hash.digest("hex")}`;
}

/** `sha256:<hex>` of a gzip file's uncompressed bytes (a layer's DiffID). */
export async function sha256Gunzipped(path: string): Promise<string> {
  const hash = createHash("sha256");
  await pipeline(createReadStream(path), createGunzip(), hash);
  return `sha256:${hash.digest("hex")}`;
}

/** Gzips `source` into `target`. Node's gzip header has no name and mtime 0: deterministic. */
export async function gzipFile(source: string, target: string): Promise<void> {
  await pipeline(createReadStream(source), createGzip(), createWriteStream(target));
}

/** Whether a file starts with the gzip magic bytes. */
export async function isGzipFile(path: string): Promise<boolean> {
  const handle = await open(path, "r");
  try {
    const head = Buffer.alloc(2);
    const { bytesRead } = await handle.read(head, 0, 2, 0);
    return bytesRead === 2 && head[0] === 0x1f && head[1] === 0x8b;
  } finally {
    await handle.close();
  }
}

/** The hex part of `sha256:<hex>`. */
export function digestHex(digest: string): string {
  const colon = digest.indexOf(":");
  return colon < 0 ? digest : digest.slice(colon + 1);
}

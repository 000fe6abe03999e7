// Builds image layer tarballs from a list of entries, without any daemon: files, dirs, links,
// devices, and the overlay conventions of the OCI layer spec (`.wh.<name>` whiteouts and the
// `.wh..wh..opq` opaque marker). Owners are numeric and times fixed, so equal input gives an
// equal digest.
import { rename, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { digestHex, gzipFile, isGzipFile, sha256File, sha256Gunzipped } from "./file-digest.ts";
import { writeTar } from "./tar-writer.ts";
import type { TarMember } from "./tar-writer.ts";

/** 2024-01-01T00:00:00Z: the default mtime of every fixture entry. */
export const DEFAULT_MTIME = 1704067200;

export interface EntryMeta {
  mode?: number;
  uid?: number;
  gid?: number;
  uname?: string;
  gname?: string;
  /** Seconds since the epoch, or a Date. */
  mtime?: number | Date;
  xattrs?: Record<string, string | Uint8Array>;
  pax?: Record<string, string>;
}

/** One layer entry. `path` is written as given (no normalisation) so bad paths can be tested. */
export type LayerEntry =
  | (EntryMeta & { type: "file"; path: string; content?: string | Uint8Array; source?: string })
  | (EntryMeta & { type: "dir"; path: string })
  | (EntryMeta & { type: "symlink"; path: string; target: string })
  | (EntryMeta & { type: "hardlink"; path: string; target: string })
  | (EntryMeta & { type: "whiteout"; path: string })
  | (EntryMeta & { type: "opaque"; path: string })
  | (EntryMeta & { type: "fifo"; path: string })
  | (EntryMeta & { type: "char" | "block"; path: string; major: number; minor: number });

export const fileEntry = (
  path: string,
  content: string | Uint8Array = "",
  meta: EntryMeta = {},
): LayerEntry => ({
  ...meta,
  type: "file",
  path,
  content,
});
/** A regular file whose bytes come from a file on the host (for big content). */
export const hostFileEntry = (path: string, source: string, meta: EntryMeta = {}): LayerEntry => ({
  ...meta,
  type: "file",
  path,
  source,
});
export const dirEntry = (path: string, meta: EntryMeta = {}): LayerEntry => ({ ...meta, type: "dir", path });
export const symlinkEntry = (path: string, target: string, meta: EntryMeta = {}): LayerEntry => ({
  ...meta,
  type: "symlink",
  path,
  target,
});
/** `target` is the name of an earlier member of the same layer. */
export const hardlinkEntry = (path: string, target: string, meta: EntryMeta = {}): LayerEntry => ({
  ...meta,
  type: "hardlink",
  path,
  target,
});
/** Deletes `path` from the layers below: written as `<dir>/.wh.<name>`. */
export const whiteoutEntry = (path: string, meta: EntryMeta = {}): LayerEntry => ({
  ...meta,
  type: "whiteout",
  path,
});
/** Hides everything below directory `path` from lower layers: `<path>/.wh..wh..opq`. */
export const opaqueEntry = (path: string, meta: EntryMeta = {}): LayerEntry => ({
  ...meta,
  type: "opaque",
  path,
});

const DEFAULT_MODE: Record<LayerEntry["type"], number> = {
  file: 0o644,
  dir: 0o755,
  symlink: 0o777,
  hardlink: 0o644,
  whiteout: 0o644,
  opaque: 0o644,
  fifo: 0o644,
  char: 0o666,
  block: 0o660,
};

function splitPath(path: string): [string, string] {
  const trimmed = path.replace(/\/+$/, "");
  const slash = trimmed.lastIndexOf("/");
  return slash < 0 ? ["", trimmed] : [trimmed.slice(0, slash + 1), trimmed.slice(slash + 1)];
}

function memberName(entry: LayerEntry): string {
  switch (entry.type) {
    case "whiteout": {
      const [dir, base] = splitPath(entry.path);
      return `${dir}.wh.${base}`;
    }
    case "opaque":
      return `${entry.path.replace(/\/+$/, "")}/.wh..wh..opq`;
    case "dir":
      // Docker (Go's archive/tar) writes directory names with a trailing slash.
      return entry.path.endsWith("/") ? entry.path : `${entry.path}/`;
    default:
      return entry.path;
  }
}

function toSeconds(mtime: number | Date | undefined): number {
  if (mtime === undefined) return DEFAULT_MTIME;
  return typeof mtime === "number" ? mtime : Math.floor(mtime.getTime() / 1000);
}

function toBytes(value: string | Uint8Array): Uint8Array {
  return typeof value === "string" ? Buffer.from(value) : value;
}

/** The tar member that a layer entry is written as. */
export function toTarMember(entry: LayerEntry): TarMember {
  const member: TarMember = {
    type: entry.type === "whiteout" || entry.type === "opaque" ? "file" : entry.type,
    name: memberName(entry),
    mode: entry.mode ?? DEFAULT_MODE[entry.type],
    uid: entry.uid ?? 0,
    gid: entry.gid ?? 0,
    mtime: toSeconds(entry.mtime),
  };
  if (entry.uname !== undefined) member.uname = entry.uname;
  if (entry.gname !== undefined) member.gname = entry.gname;
  if (entry.pax !== undefined) member.pax = entry.pax;
  if (entry.xattrs !== undefined) {
    member.xattrs = Object.fromEntries(Object.entries(entry.xattrs).map(([k, v]) => [k, toBytes(v)]));
  }
  switch (entry.type) {
    case "file":
      if (entry.source !== undefined) member.source = entry.source;
      else member.content = toBytes(entry.content ?? "");
      break;
    case "whiteout":
    case "opaque":
      member.content = new Uint8Array();
      break;
    case "symlink":
    case "hardlink":
      member.linkname = entry.target;
      break;
    case "char":
    case "block":
      member.devmajor = entry.major;
      member.devminor = entry.minor;
      break;
    default:
      break;
  }
  return member;
}

export interface LayerTarOptions {
  gzip?: boolean;
  /** File name inside `dir`; default `<digest hex>.tar` or `.tar.gz`. */
  name?: string;
}

/** A layer blob on disk. `digest` names the file's bytes, `diffId` the uncompressed tar. */
export interface LayerBlob {
  path: string;
  digest: string;
  diffId: string;
  size: number;
  gzip: boolean;
}

let sequence = 0;

/** Writes a layer tar (optionally gzipped) into directory `dir`. */
export async function makeLayerTar(
  dir: string,
  entries: LayerEntry[],
  options: LayerTarOptions = {},
): Promise<LayerBlob> {
  const scratch = join(dir, `.layer-${process.pid}-${sequence++}`);
  await writeTar(`${scratch}.tar`, entries.map(toTarMember));
  let file = `${scratch}.tar`;
  if (options.gzip === true) {
    await gzipFile(file, `${file}.gz`);
    await rm(file);
    file = `${file}.gz`;
  }
  const blob = await describeLayerFile(file);
  const extension = blob.gzip ? ".tar.gz" : ".tar";
  const path = join(dir, options.name ?? `${digestHex(blob.digest)}${extension}`);
  await rename(file, path);
  return { ...blob, path };
}

/** Describes an existing layer file, gzipped or not (detected by its magic bytes). */
export async function describeLayerFile(path: string): Promise<LayerBlob> {
  const gzip = await isGzipFile(path);
  const digest = await sha256File(path);
  const diffId = gzip ? await sha256Gunzipped(path) : digest;
  const { size } = await stat(path);
  return { path, digest, diffId, size, gzip };
}

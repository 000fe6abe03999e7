// A layer changeset made from an overlayfs upper dir (`docker commit`, each build step): the
// upper dir already holds exactly what changed against the lower layers, in overlay's own
// notation, which is translated to the OCI one (image-spec layer.md "Whiteouts"):
//   - a char device 0/0 `<name>` (overlay whiteout)       -> empty file `.wh.<name>`
//   - a directory with xattr trusted.overlay.opaque="y"   -> the directory plus `.wh..wh..opq`
// Entries are emitted parents first, names sorted, so the same tree gives the same diff ID.
// Hard links inside the upper dir stay hard links; overlay's own xattrs are not exported.
import { createHash } from "node:crypto";
import type { Stats } from "node:fs";
import { lstat, readdir, readlink } from "node:fs/promises";
import { join } from "node:path";
import type { Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { Transform } from "node:stream";
import { lgetxattr, llistxattr } from "../lib/index.ts";
import { OPAQUE_XATTR } from "./layer-extractor.ts";
import { type TarWriteEntry, writeTar } from "./write-tar.ts";

const S_IFMT = 0o170000;
const S_IFCHR = 0o020000;
const S_IFBLK = 0o060000;
const S_IFIFO = 0o010000;

/** overlay's private attributes (trusted.overlay.* and user.overlay.*) never go into a layer. */
const OVERLAY_XATTR = /^(trusted|user)\.overlay\./;

export interface UpperDirLayer {
  /** "sha256:<hex>" of the uncompressed tar (the layer's diff ID). */
  diffId: string;
  /** Bytes of the uncompressed tar. */
  size: number;
}

export interface UpperDirOptions {
  /**
   * Paths (relative, no leading slash) left out with everything below them: the mount points
   * the runtime made in the rootfs (/etc/hosts, /proc...), which Docker keeps in an init layer.
   */
  exclude?: ReadonlySet<string>;
}

/** The entries of the changeset in `upperDir`, in tar order. */
export async function* upperDirEntries(
  upperDir: string,
  options: UpperDirOptions = {},
): AsyncGenerator<TarWriteEntry> {
  const links = new Map<string, string>(); // "dev:ino" -> first archive name
  yield* walk(upperDir, "", links, options.exclude ?? new Set());
}

async function* walk(
  abs: string,
  rel: string,
  links: Map<string, string>,
  exclude: ReadonlySet<string>,
): AsyncGenerator<TarWriteEntry> {
  const names = (await readdir(abs)).sort();
  for (const name of names) {
    const path = join(abs, name);
    const archiveName = rel === "" ? name : `${rel}/${name}`;
    if (exclude.has(archiveName)) continue;
    const st = await lstat(path, { bigint: false });
    const type = st.mode & S_IFMT;
    if (type === S_IFCHR && st.rdev === 0) {
      yield { ...common(st, whiteoutName(rel, name)), type: "file", data: Buffer.alloc(0), mode: 0o644 };
      continue;
    }
    const base = common(st, archiveName);
    const xattrs = readXattrs(path);
    if (xattrs.size > 0) base.xattrs = xattrs;
    if (st.isDirectory()) {
      yield { ...base, type: "directory" };
      if (lgetxattr(path, OPAQUE_XATTR)?.toString() === "y") {
        yield {
          ...common(st, `${archiveName}/.wh..wh..opq`),
          type: "file",
          data: Buffer.alloc(0),
          mode: 0o644,
        };
      }
      yield* walk(path, archiveName, links, exclude);
    } else if (st.isFile()) {
      const key = `${st.dev}:${st.ino}`;
      const first = st.nlink > 1 ? links.get(key) : undefined;
      if (first !== undefined) {
        yield { ...base, type: "hardlink", target: first };
        continue;
      }
      if (st.nlink > 1) links.set(key, archiveName);
      yield { ...base, type: "file", path, size: st.size };
    } else if (st.isSymbolicLink()) {
      yield { ...base, type: "symlink", target: await readlink(path) };
    } else if (type === S_IFCHR || type === S_IFBLK) {
      yield {
        ...base,
        type: type === S_IFCHR ? "char-device" : "block-device",
        major: Math.floor(st.rdev / 256) & 0xfff,
        minor: (st.rdev & 0xff) | ((st.rdev >> 12) & 0xfff00),
      };
    } else if (type === S_IFIFO) {
      yield { ...base, type: "fifo" };
    }
    // Sockets cannot be archived (tar has no type for them); Docker skips them too.
  }
}

function whiteoutName(rel: string, name: string): string {
  return rel === "" ? `.wh.${name}` : `${rel}/.wh.${name}`;
}

function common(
  st: Stats,
  name: string,
): { name: string; mode: number; uid: number; gid: number; mtime: number; xattrs?: Map<string, Buffer> } {
  return { name, mode: st.mode & 0o7777, uid: st.uid, gid: st.gid, mtime: Math.floor(st.mtimeMs / 1000) };
}

function readXattrs(path: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  for (const key of llistxattr(path)) {
    if (OVERLAY_XATTR.test(key)) continue;
    const value = lgetxattr(path, key);
    if (value !== null) out.set(key, value);
  }
  return out;
}

/**
 * Writes the uncompressed layer tar of `upperDir` to `out` and returns its diff ID and size.
 * The caller decides about compression and storage (the image service gzips into the store).
 */
export async function writeLayerFromUpperDir(
  upperDir: string,
  out: Writable,
  options: UpperDirOptions = {},
): Promise<UpperDirLayer> {
  const hash = createHash("sha256");
  let size = 0;
  const tap = new Transform({
    transform(chunk: Buffer, _enc, done) {
      hash.update(chunk);
      size += chunk.length;
      done(null, chunk);
    },
  });
  await pipeline(writeTar(upperDirEntries(upperDir, options)), tap, out);
  return { diffId: `sha256:${hash.digest("hex")}`, size };
}

// Writes one layer's entries into an empty directory that will serve as an overlayfs layer.
// It is a TarSink fed by TarParser and uses synchronous fs calls only: it runs inside the layer
// worker thread, where blocking is free and a libuv round trip per file would dominate.
//
// Semantics (OCI image-spec layer.md "Applying Changesets"): later entries for a path replace
// earlier ones (two directories merge); whiteouts become overlayfs whiteouts ("Whiteouts":
// `.wh.<name>` -> char device 0/0 `<name>`; "Opaque Whiteout": `.wh..wh..opq` -> xattr
// trusted.overlay.opaque=y on the directory). Safety follows Docker's pkg/archive: nothing is
// written outside the root (see entry-path.ts and in-layer-symlinks.ts).
import * as fs from "node:fs";
import {
  EngineError,
  internal,
  invalidArchive,
  lsetxattr,
  mknod,
  S_IFBLK,
  S_IFCHR,
  S_IFIFO,
  unsafeArchivePath,
} from "../lib/index.ts";
import { cleanEntryPath, symlinkEscapes } from "./entry-path.ts";
import { InLayerSymlinks } from "./in-layer-symlinks.ts";
import type { TarHeader } from "./tar-header.ts";
import type { TarSink } from "./tar-parser.ts";

const { O_WRONLY, O_CREAT, O_EXCL, O_NOFOLLOW } = fs.constants; // libuv adds O_CLOEXEC itself
/** O_EXCL|O_NOFOLLOW: never write through an existing file or symlink; replace it instead. */
const CREATE_FILE = O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW;

const SETGID = 0o2000;
const WHITEOUT_PREFIX = ".wh.";
const OPAQUE_MARKER = ".wh..wh..opq";
/** AUFS bookkeeping entries (.wh..wh.plnk, .wh..wh.aufs) carry no content; Docker skips them. */
const AUFS_META_PREFIX = ".wh..wh.";
export const OPAQUE_XATTR = "trusted.overlay.opaque";

const DEVICE_BITS: Partial<Record<TarHeader["type"], number>> = {
  "char-device": S_IFCHR,
  "block-device": S_IFBLK,
  fifo: S_IFIFO,
};

export class LayerExtractor implements TarSink {
  /** Bytes of regular file content written (Docker's layer size). */
  size = 0;
  readonly #root: string;
  readonly #links = new InLayerSymlinks();
  /** Whiteout devices this layer made, so a same-layer directory can take their place. */
  readonly #whiteouts = new Set<string>();
  /** Directory times are set last: creating children would change them again. */
  readonly #dirTimes = new Map<string, TarHeader>();
  readonly #umask = process.umask();
  /** Who owns what this thread creates; entries owned by the same need no chown. */
  readonly #uid = process.geteuid?.() ?? -1;
  readonly #gid = process.getegid?.() ?? -1;
  /**
   * Directories of this layer whose mode has the setgid bit: what is created in them takes
   * their group (not this thread's), so it is chowned whatever its header says.
   */
  readonly #setgidDirs = new Set<string>();
  #fd = -1;
  #file: { header: TarHeader; abs: string; rel: string } | undefined;

  constructor(root: string) {
    this.#root = root.endsWith("/") && root.length > 1 ? root.slice(0, -1) : root;
    // The root's own mode counts until an entry for it sets another.
    if ((fs.statSync(this.#root).mode & SETGID) !== 0) this.#setgidDirs.add("");
  }

  onEntry(h: TarHeader): void {
    const parts = cleanEntryPath(h.name);
    const base = parts[parts.length - 1];
    if (base?.startsWith(WHITEOUT_PREFIX)) return this.#whiteout(h, parts, base);
    const dir = this.#links.resolve(parts, parts.length - 1, h.name);
    const rel = base === undefined ? "" : dir === "" ? base : `${dir}/${base}`;
    if (rel === "" && h.type !== "directory")
      throw invalidArchive(`${h.name}: the layer root must be a directory`);
    switch (h.type) {
      case "file":
        return this.#regular(h, rel);
      case "directory":
        return this.#directory(h, rel);
      case "symlink":
        return this.#symlink(h, parts, dir, rel);
      case "hardlink":
        return this.#hardlink(h, rel);
      case "char-device":
      case "block-device":
      case "fifo":
        return this.#device(h, rel, DEVICE_BITS[h.type] ?? 0);
      case "unknown":
        throw invalidArchive(`${h.name}: unsupported tar entry type '${h.typeflag}'`);
    }
  }

  onData(chunk: Buffer): void {
    if (this.#fd < 0) return;
    for (let off = 0; off < chunk.length;) off += fs.writeSync(this.#fd, chunk, off, chunk.length - off);
  }

  onEntryEnd(): void {
    if (this.#file === undefined) return;
    const { header: h, abs, rel } = this.#file;
    const fd = this.#fd;
    this.#file = undefined;
    this.#fd = -1;
    try {
      // chown before chmod: chown clears setuid/setgid; xattrs after chown: it drops
      // security.capability.
      // A new file is the creator's already: ~5,000 fewer chown calls for a Debian base layer.
      if (!this.#createdAs(h, rel)) fs.fchownSync(fd, h.uid, h.gid);
      // open() already gave the mode unless the umask masked bits or chown cleared setuid/setgid.
      if ((h.mode & 0o7000) !== 0 || (h.mode & this.#umask) !== 0) fs.fchmodSync(fd, h.mode);
      this.#xattrs(abs, h);
      fs.futimesSync(fd, h.atime ?? h.mtime, h.mtime);
    } catch (err) {
      throw this.#fail(err, h.name);
    } finally {
      fs.closeSync(fd);
    }
  }

  /** Sets directory times once every entry is in place. */
  finish(): void {
    for (const [rel, h] of this.#dirTimes) fs.utimesSync(this.#abs(rel), h.atime ?? h.mtime, h.mtime);
    this.#dirTimes.clear();
  }

  /** Releases the open file after a failure. */
  close(): void {
    if (this.#fd >= 0) fs.closeSync(this.#fd);
    this.#fd = -1;
    this.#file = undefined;
  }

  #regular(h: TarHeader, rel: string): void {
    this.#make(rel, h.name, (abs) => {
      this.#fd = fs.openSync(abs, CREATE_FILE, h.mode & 0o777);
    });
    this.#file = { header: h, abs: this.#abs(rel), rel };
    this.size += h.size;
  }

  #directory(h: TarHeader, rel: string): void {
    const abs = this.#abs(rel);
    if (rel !== "") {
      const replacedWhiteout = this.#make(rel, h.name, (path) => {
        try {
          fs.mkdirSync(path, 0o700);
        } catch (err) {
          // Two directories merge: the later entry only updates attributes.
          if (code(err) !== "EEXIST" || !fs.lstatSync(path).isDirectory()) throw err;
        }
      });
      // A same-layer whiteout for this path deleted the lower directory: this one replaces it.
      if (replacedWhiteout) this.#setOpaque(abs, h.name);
    }
    this.#attributes(abs, h, false);
    if ((h.mode & SETGID) !== 0) this.#setgidDirs.add(rel);
    else this.#setgidDirs.delete(rel);
    this.#dirTimes.set(rel, h);
  }

  #symlink(h: TarHeader, parts: readonly string[], dir: string, rel: string): void {
    const target = h.linkname;
    if (target === "" || target.includes("\0")) throw invalidArchive(`${h.name}: invalid symlink target`);
    // Docker's rule on the name as written, and again on where it really lands.
    if (
      symlinkEscapes(parts.slice(0, -1), target) ||
      symlinkEscapes(dir === "" ? [] : dir.split("/"), target)
    ) {
      throw unsafeArchivePath(h.name, `symlink target ${JSON.stringify(target)} leaves the layer root`);
    }
    this.#make(rel, h.name, (abs) => fs.symlinkSync(target, abs));
    this.#links.set(rel, target);
    this.#attributes(this.#abs(rel), h, true, this.#createdAs(h, rel));
  }

  #hardlink(h: TarHeader, rel: string): void {
    const targetParts = cleanEntryPath(h.linkname, "hardlink target");
    const last = targetParts[targetParts.length - 1];
    if (last === undefined) throw unsafeArchivePath(h.name, "hardlink to the layer root");
    const targetDir = this.#links.resolve(targetParts, targetParts.length - 1, h.linkname);
    const targetRel = targetDir === "" ? last : `${targetDir}/${last}`;
    const targetAbs = this.#abs(targetRel);
    let target: fs.Stats;
    try {
      target = fs.lstatSync(targetAbs);
    } catch (err) {
      if (code(err) === "ENOENT" || code(err) === "ENOTDIR") {
        throw invalidArchive(`hardlink ${h.name} -> ${h.linkname}: target is not in the layer (yet)`);
      }
      throw this.#fail(err, h.name);
    }
    if (target.isDirectory())
      throw invalidArchive(`hardlink ${h.name} -> ${h.linkname}: target is a directory`);
    if (targetRel === rel) return; // a link to itself is already in place
    this.#make(rel, h.name, (abs) => fs.linkSync(targetAbs, abs));
    // A hardlink to a symlink is another symlink (link(2) does not follow it).
    if (target.isSymbolicLink()) this.#links.set(rel, fs.readlinkSync(targetAbs));
  }

  #device(h: TarHeader, rel: string, typeBits: number): void {
    this.#make(rel, h.name, (abs) => mknod(abs, typeBits | h.mode, h.devmajor, h.devminor));
    this.#attributes(this.#abs(rel), h, false);
    fs.lutimesSync(this.#abs(rel), h.atime ?? h.mtime, h.mtime);
  }

  #whiteout(h: TarHeader, parts: readonly string[], base: string): void {
    const dir = this.#links.resolve(parts, parts.length - 1, h.name);
    if (base === OPAQUE_MARKER) {
      this.#mkdirs(dir, h.name);
      this.#setOpaque(this.#abs(dir), h.name);
      return;
    }
    if (base.startsWith(AUFS_META_PREFIX)) return;
    const victim = base.slice(WHITEOUT_PREFIX.length);
    // layer.md: "A `.wh.` file, without a basename to delete, is invalid".
    if (victim === "" || victim === "." || victim === "..")
      throw invalidArchive(`${h.name}: whiteout names no file`);
    const rel = dir === "" ? victim : `${dir}/${victim}`;
    const abs = this.#abs(rel);
    try {
      this.#retryInParent(rel, h.name, () => mknod(abs, S_IFCHR, 0, 0));
    } catch (err) {
      if (code(err) !== "EEXIST") throw this.#fail(err, h.name);
      // layer.md: a whiteout hides only lower layers; this layer's own entry stays. A directory
      // that replaces a deleted one must not show the lower one's children: make it opaque.
      if (fs.lstatSync(abs).isDirectory()) this.#setOpaque(abs, h.name);
      return;
    }
    this.#whiteouts.add(rel);
    fs.lchownSync(abs, h.uid, h.gid);
  }

  /**
   * Runs a create syscall on the entry's path and repairs what tar would: a missing parent is
   * created, an existing entry is removed and the call retried. Returns whether the removed
   * entry was a whiteout device of this layer.
   */
  #make(rel: string, name: string, create: (abs: string) => void): boolean {
    const abs = this.#abs(rel);
    let replacedWhiteout = false;
    for (let attempt = 0; ; attempt++) {
      try {
        this.#retryInParent(rel, name, () => create(abs));
        return replacedWhiteout;
      } catch (err) {
        if (code(err) !== "EEXIST" || attempt > 0) throw this.#fail(err, name);
        replacedWhiteout = this.#remove(rel);
      }
    }
  }

  /** Runs `create`; when the parent directory is missing, makes it and runs `create` again. */
  #retryInParent(rel: string, name: string, create: () => void): void {
    try {
      create();
    } catch (err) {
      // ENOTDIR: a parent is a file (an error) or this layer's whiteout (replaced by #mkdirs).
      if (code(err) !== "ENOENT" && code(err) !== "ENOTDIR") throw err;
      this.#mkdirs(rel.slice(0, Math.max(0, rel.lastIndexOf("/"))), name);
      create();
    }
  }

  /** mkdir -p for a resolved directory path, 0755 like tar's implied directories. */
  #mkdirs(dir: string, name: string): void {
    if (dir === "") return;
    let rel = "";
    for (const part of dir.split("/")) {
      rel = rel === "" ? part : `${rel}/${part}`;
      const abs = this.#abs(rel);
      try {
        fs.mkdirSync(abs, 0o755);
        fs.chmodSync(abs, 0o755); // not left to the umask (nor a setgid parent's bit)
        this.#setgidDirs.delete(rel);
        continue;
      } catch (err) {
        if (code(err) !== "EEXIST") throw this.#fail(err, name);
      }
      if (fs.lstatSync(abs).isDirectory()) continue;
      if (!this.#whiteouts.has(rel)) throw invalidArchive(`${name}: parent ${rel} is not a directory`);
      // `.wh.a` then `a/b`: the lower `a` is deleted and a new directory replaces it.
      this.#remove(rel);
      fs.mkdirSync(abs, 0o755);
      fs.chmodSync(abs, 0o755);
      this.#setgidDirs.delete(rel);
      this.#setOpaque(abs, name);
    }
  }

  /** Removes an existing entry of this layer; returns whether it was a whiteout device. */
  #remove(rel: string): boolean {
    const abs = this.#abs(rel);
    if (fs.lstatSync(abs).isDirectory()) {
      fs.rmSync(abs, { recursive: true, force: true });
      this.#links.deleteTree(rel);
      forgetTree(this.#whiteouts, rel);
      forgetTree(this.#dirTimes, rel);
      forgetTree(this.#setgidDirs, rel);
      return false;
    }
    fs.unlinkSync(abs);
    this.#links.delete(rel);
    return this.#whiteouts.delete(rel);
  }

  #attributes(abs: string, h: TarHeader, symlink: boolean, owned = false): void {
    try {
      if (!owned) fs.lchownSync(abs, h.uid, h.gid);
      if (!symlink) fs.chmodSync(abs, h.mode); // Linux has no lchmod; a symlink's mode is unused
      this.#xattrs(abs, h);
      if (symlink) fs.lutimesSync(abs, h.atime ?? h.mtime, h.mtime);
    } catch (err) {
      throw this.#fail(err, h.name);
    }
  }

  #xattrs(abs: string, h: TarHeader): void {
    if (h.xattrs === undefined) return;
    for (const [key, value] of h.xattrs) {
      // overlayfs metadata (opaque, redirect, origin, metacopy) must come from whiteout entries,
      // never from image content: it would steer the kernel's lookups across layers.
      if (key.startsWith("trusted.overlay.")) continue;
      try {
        lsetxattr(abs, key, value);
      } catch (err) {
        // As Docker: best effort where the filesystem or namespace refuses (e.g. user.* on symlinks).
        if (code(err) !== "ENOTSUP" && code(err) !== "EOPNOTSUPP" && code(err) !== "EPERM") throw err;
      }
    }
  }

  #setOpaque(abs: string, name: string): void {
    try {
      lsetxattr(abs, OPAQUE_XATTR, Buffer.from("y"));
    } catch (err) {
      throw this.#fail(err, name);
    }
  }

  /**
   * Whether the entry at `rel`, just created by this thread, already has the header's owner:
   * a new inode gets this thread's user, and its group unless its directory is setgid.
   */
  #createdAs(h: TarHeader, rel: string): boolean {
    if (h.uid !== this.#uid || h.gid !== this.#gid) return false;
    return !this.#setgidDirs.has(rel.slice(0, Math.max(0, rel.lastIndexOf("/"))));
  }

  #abs(rel: string): string {
    return rel === "" ? this.#root : `${this.#root}/${rel}`;
  }

  #fail(err: unknown, name: string): EngineError {
    if (err instanceof EngineError) return err;
    const message = err instanceof Error ? err.message : String(err);
    return internal("LAYER_EXTRACT_FAILED", `extracting ${name}: ${message}`, { cause: err });
  }
}

function code(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException | null)?.code;
}

function forgetTree(paths: Set<string> | Map<string, unknown>, dir: string): void {
  const prefix = `${dir}/`;
  for (const path of paths.keys()) if (path === dir || path.startsWith(prefix)) paths.delete(path);
}

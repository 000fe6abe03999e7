// Loader for berth's native addon (native/berth_native.c): the Linux syscalls Node's fs lacks.
// The addon is built by node-gyp at install time into build/Release/berth_native.node; we find it
// by walking up from this module's own location, which works both from src/lib/native.ts (tsx)
// and from a bundle in dist/. Loading is lazy so that code which never needs the addon (the CLI)
// does not fail on a machine where it was not built.
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { internal } from "./errors.ts";

export interface NativeBinding {
  /** mknod(2). `mode` includes the file type bits (S_IFCHR, S_IFBLK, S_IFIFO). */
  mknod(path: string, mode: number, major: number, minor: number): void;
  /** lsetxattr(2) with flags 0: creates or replaces; a final symlink is not followed. */
  lsetxattr(path: string, name: string, value: Buffer): void;
  /** lgetxattr(2); null when the attribute does not exist (ENODATA). */
  lgetxattr(path: string, name: string): Buffer | null;
  /** llistxattr(2): the names of all extended attributes of path (symlink itself). */
  llistxattr(path: string): string[];
  /** syncfs(2) on the filesystem that holds path. */
  syncfs(path: string): void;
  /** A unix socket connected to path (SOCK_SEQPACKET when `seqpacket`). */
  unixConnect(path: string, seqpacket: boolean): number;
  /** A new pseudo-terminal: [master, slave], close-on-exec. */
  openpty(): [number, number];
  /** TIOCSWINSZ on a terminal fd. */
  setWinsize(fd: number, rows: number, cols: number): void;
  /** fcntl(F_DUPFD_CLOEXEC). */
  dupCloexec(fd: number): number;
  /** mount(2) with flags 0 (e.g. an overlay); absent in addons built before it was added. */
  mountFs?(source: string, target: string, fstype: string, data: string): void;
  /** umount2(2), MNT_DETACH when `detach`. */
  umount?(target: string, detach: boolean): void;
  /** Whether the kernel runs x32-ABI syscalls (x86_64 only); absent in older addons. */
  x32SyscallsRun?(): boolean;
}

/** File type bits for `mknod`'s mode (from <sys/stat.h>). */
export const S_IFIFO = 0o010000;
export const S_IFCHR = 0o020000;
export const S_IFBLK = 0o060000;

const ADDON_NAME = "berth_native.node";
const ADDON = join("build", "Release", ADDON_NAME);
let binding: NativeBinding | undefined;

/**
 * build/Release/<name> (what node-gyp makes from binding.gyp) in the nearest ancestor of `from`
 * that has one: from src/ (tsx) as from dist/ (the bundles).
 */
export function findBuildOutput(
  name: string,
  from: string = dirname(fileURLToPath(import.meta.url)),
): string | undefined {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, "build", "Release", name);
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) return undefined;
  }
}

/** Finds build/Release/berth_native.node in the nearest ancestor of `from` that has one. */
export function findNativeAddon(from?: string): string | undefined {
  return findBuildOutput(ADDON_NAME, from);
}

/** The loaded addon; throws an internal EngineError when it was not built. */
export function native(): NativeBinding {
  if (binding !== undefined) return binding;
  const path = findNativeAddon();
  if (path === undefined) {
    throw internal(
      "NATIVE_ADDON_MISSING",
      `native addon ${ADDON} not found above ${dirname(fileURLToPath(import.meta.url))}; run npm install (node-gyp rebuild)`,
    );
  }
  binding = createRequire(import.meta.url)(path) as NativeBinding;
  return binding;
}

export const mknod = (path: string, mode: number, major: number, minor: number): void =>
  native().mknod(path, mode, major, minor);
export const lsetxattr = (path: string, name: string, value: Buffer): void =>
  native().lsetxattr(path, name, value);
export const lgetxattr = (path: string, name: string): Buffer | null => native().lgetxattr(path, name);
export const llistxattr = (path: string): string[] => native().llistxattr(path);
export const syncfs = (path: string): void => native().syncfs(path);

/** The addon's mount/umount2 when it has them (an older build: undefined, spawn the tools). */
export function nativeMounts(): Required<Pick<NativeBinding, "mountFs" | "umount">> | undefined {
  let b: NativeBinding;
  try {
    b = native();
  } catch {
    return undefined;
  }
  const { mountFs, umount } = b;
  return mountFs && umount ? { mountFs, umount } : undefined;
}

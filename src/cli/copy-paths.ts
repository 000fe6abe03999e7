// The path logic of `docker cp` (docker/cli container/cp.go and moby pkg/archive copy.go):
// which side is the container, where an archive is extracted, and how its top-level entry is
// renamed so that `cp a b` creates b, `cp dir/. b` copies dir's contents, and so on.
import { posix } from "node:path";

/** splitCpArg: "ctr:path" names a container unless the argument is absolute or starts with ".". */
export function splitCpArg(arg: string): { container: string; path: string } {
  if (arg.startsWith("/")) return { container: "", path: arg };
  const colon = arg.indexOf(":");
  if (colon < 0 || arg.startsWith(".")) return { container: "", path: arg };
  return { container: arg.slice(0, colon), path: arg.slice(colon + 1) };
}

export function hasTrailingSeparator(path: string): boolean {
  return path.endsWith("/");
}

function specifiesCurrentDir(path: string): boolean {
  return posix.basename(path) === "." && (path === "." || path.endsWith("/."));
}

/** SplitPathDirEntry: the parent and the entry a path names ("a/b/." -> ["a/b", "."]). */
export function splitPathDirEntry(path: string): { dir: string; base: string } {
  let cleaned = posix.normalize(path);
  if (cleaned.length > 1 && cleaned.endsWith("/")) cleaned = cleaned.slice(0, -1);
  if (specifiesCurrentDir(path)) cleaned = cleaned === "." ? "./." : `${cleaned}/.`;
  return { dir: posix.dirname(cleaned), base: posix.basename(cleaned) || "/" };
}

/** PreserveTrailingDotOrSeparator: keeps "/." or "/" of the original on the cleaned path. */
export function preserveTrailingDotOrSeparator(cleaned: string, original: string): string {
  if (specifiesCurrentDir(original) && !specifiesCurrentDir(cleaned)) {
    return `${cleaned.endsWith("/") ? cleaned : `${cleaned}/`}.`;
  }
  if (hasTrailingSeparator(original) && !hasTrailingSeparator(cleaned)) return `${cleaned}/`;
  return cleaned;
}

/** GetRebaseName: the resolved path (keeping "/." or "/") and the name to give its entry. */
export function getRebaseName(path: string, resolved: string): { path: string; rebaseName: string } {
  let out = resolved;
  let rebaseName = "";
  if (specifiesCurrentDir(path) && !specifiesCurrentDir(out)) out += "/.";
  if (hasTrailingSeparator(path) && !hasTrailingSeparator(out)) out += "/";
  if (posix.basename(path) !== posix.basename(out)) rebaseName = posix.basename(path);
  return { path: out, rebaseName };
}

export interface CopyInfo {
  path: string;
  exists: boolean;
  isDir: boolean;
  rebaseName?: string;
}

export class CopyError extends Error {}

/**
 * PrepareArchiveCopy: the directory to extract into, and the rename of the archive's top-level
 * entry (`from` -> `to`) that gives the copy the destination's name (none when the destination
 * is an existing directory). `archiveBase` is the name the archive's entries start with.
 */
export function prepareArchiveCopy(
  src: CopyInfo,
  dst: CopyInfo,
  archiveBase: string,
): { dstDir: string; rename?: { from: string; to: string } } {
  const { dir: dstDir, base: dstBase } = splitPathDirEntry(dst.path);
  const to = (): { dstDir: string; rename: { from: string; to: string } } => ({
    dstDir,
    rename: { from: archiveBase, to: dstBase },
  });
  if (dst.exists && dst.isDir) {
    const name = src.rebaseName || archiveBase;
    return name === archiveBase
      ? { dstDir: dst.path }
      : { dstDir: dst.path, rename: { from: archiveBase, to: name } };
  }
  if (dst.exists && src.isDir) throw new CopyError("cannot copy directory");
  if (dst.exists || src.isDir) return to();
  if (hasTrailingSeparator(dst.path) || specifiesCurrentDir(dst.path)) {
    throw new CopyError("no such directory");
  }
  return to();
}

// Go os.FileMode type bits, as the X-Docker-Container-Path-Stat header carries them.
export const GO_MODE_DIR = 2 ** 31;
export const GO_MODE_SYMLINK = 2 ** 27;
const GO_MODE_DEVICE = 2 ** 26;
const GO_MODE_PIPE = 2 ** 25;
const GO_MODE_SOCKET = 2 ** 24;
const GO_MODE_IRREGULAR = 2 ** 19;

export function hasModeBit(mode: number, bit: number): boolean {
  return Math.floor(mode / bit) % 2 === 1;
}

/** ValidateOutputPathFileMode: copies go to directories and regular files only. */
export function outputModeError(mode: number): string | undefined {
  if (hasModeBit(mode, GO_MODE_DEVICE)) return "got a device";
  if (hasModeBit(mode, GO_MODE_IRREGULAR)) return "got an irregular file";
  if (hasModeBit(mode, GO_MODE_PIPE) || hasModeBit(mode, GO_MODE_SOCKET)) return "got an irregular file";
  return undefined;
}

/** A GNU tar --transform expression renaming the leading `from` to `to` (names and hard links). */
export function tarTransform(from: string, to: string): string {
  const re = from.replace(/[\\^$.*[\]|]/g, (c) => `\\${c}`);
  const rep = to.replace(/[\\&|]/g, (c) => `\\${c}`);
  return `s|^${re}|${rep}|rhS`;
}

// Mounting snapshots: overlayfs (kernel Documentation filesystems/overlayfs.rst) by mount(2)
// through the native addon (every `docker run` mounts one; spawning mount(8) cost a fork+exec of
// the whole daemon), util-linux mount(8) where the addon cannot (an older build, lower dirs
// passed relative to a cwd, read-only bind mounts). Lower directories are given top-most first,
// as lowerdir= wants.
import { dirname, relative, sep } from "node:path";
import { internal, invalidArgument, nativeMounts } from "../lib/index.ts";
import { runCommand } from "./run-command.ts";

export interface OverlayMount {
  /** Read-only layers, top-most first. */
  lowerDirs: readonly string[];
  /** Writable layer and its work dir (same filesystem); both or neither. */
  upperDir?: string;
  workDir?: string;
  target: string;
  readonly?: boolean;
  /** Further overlay options, e.g. "index=off". */
  options?: readonly string[];
}

/** Mount options are limited to one page; past this, lower dirs are passed relative to a common parent. */
const MAX_OPTIONS = 3900;

export async function mountOverlay(mount: OverlayMount): Promise<void> {
  const { lowerDirs, upperDir, workDir, target } = mount;
  if (lowerDirs.length === 0)
    throw invalidArgument("INVALID_MOUNT", "overlay needs at least one lower directory");
  if ((upperDir === undefined) !== (workDir === undefined)) {
    throw invalidArgument("INVALID_MOUNT", "overlay upperdir and workdir go together");
  }
  for (const dir of [...lowerDirs, upperDir ?? "", workDir ?? ""]) {
    // mount(2)'s option string separates with commas and lowerdir= with colons.
    if (/[,:]/.test(dir)) throw invalidArgument("INVALID_MOUNT", `overlay path ${dir} contains ',' or ':'`);
  }
  const readonly = mount.readonly === true || upperDir === undefined;
  // overlayfs wants two lower layers when there is no upper one; a single layer is a bind mount.
  if (upperDir === undefined && lowerDirs.length === 1) {
    await runCommand(["mount", "--bind", "-o", "ro", lowerDirs[0] as string, target]);
    return;
  }
  let lowers = lowerDirs.join(":");
  let cwd: string | undefined;
  if (lowers.length > MAX_OPTIONS) {
    // As Docker's overlay2: mount from the common parent so each entry is short ("<id>/fs").
    cwd = commonParent(lowerDirs);
    lowers = lowerDirs.map((d) => relative(cwd as string, d)).join(":");
  }
  const options = [`lowerdir=${lowers}`];
  if (upperDir !== undefined && workDir !== undefined)
    options.push(`upperdir=${upperDir}`, `workdir=${workDir}`);
  if (readonly) options.push("ro");
  options.push(...(mount.options ?? []));
  const sys = cwd === undefined ? nativeMounts() : undefined;
  if (sys) {
    try {
      sys.mountFs("overlay", target, "overlay", options.join(","));
      return;
    } catch (err) {
      throw mountFailed(target, err);
    }
  }
  await runCommand(
    ["mount", "-t", "overlay", "overlay", "-o", options.join(","), target],
    cwd === undefined ? {} : { cwd },
  );
}

export interface UnmountOptions {
  /** MNT_DETACH: detach now, clean up once no longer busy. */
  lazy?: boolean;
  /** A target that is not a mount point (EINVAL) is no error (needs the native addon to tell). */
  ifMounted?: boolean;
}

export async function unmount(target: string, options: UnmountOptions = {}): Promise<void> {
  const sys = nativeMounts();
  if (sys) {
    try {
      sys.umount(target, options.lazy === true);
      return;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (options.ifMounted === true && (code === "EINVAL" || code === "ENOENT")) return;
      throw mountFailed(target, err, "umount");
    }
  }
  await runCommand(["umount", ...(options.lazy === true ? ["--lazy"] : []), target]);
}

function commonParent(paths: readonly string[]): string {
  let common = dirname(paths[0] ?? sep);
  for (const path of paths) {
    while (common !== sep && !path.startsWith(common + sep)) common = dirname(common);
  }
  return common;
}

/** A failed mount(2)/umount2(2), shaped like runCommand's failures (same code, errno in the text). */
function mountFailed(target: string, err: unknown, syscall = "mount"): Error {
  const message = err instanceof Error ? err.message : String(err);
  return internal("COMMAND_FAILED", `${syscall} ${target}: ${message}`, { cause: err });
}

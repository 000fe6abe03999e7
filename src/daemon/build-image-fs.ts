// Reading an image's filesystem during a build without a container: lookups over its snapshot
// dirs (COPY's destination rules, WORKDIR's missing dirs, --chown names from /etc/passwd), and a
// read-only overlay view for COPY --from and RUN --mount=type=bind,from=.
import { lstatSync, mkdirSync, readFileSync, readlinkSync, type Stats } from "node:fs";
import { join, posix } from "node:path";
import { randomBytes } from "node:crypto";
import type { PathKind } from "../build/index.ts";
import type { ImageRecord } from "../image/index.ts";
import { mountOverlay, unmount } from "../snapshot/index.ts";
import type { BuildDeps, StepContext } from "./build-types.ts";

export interface ImageFs {
  /** The kind of what is at `abs`, symlinks followed (COPY's destination rules). */
  lookup(abs: string): PathKind | undefined;
  /** `abs` with every symlink resolved inside the image's root, as COPY resolves its destination. */
  resolve(abs: string): string;
}

/** A read-only view of an image's merged filesystem over its snapshot dirs (top layer first). */
export function imageFs(deps: BuildDeps, image: ImageRecord | undefined): ImageFs {
  const top = image?.layers.at(-1)?.chainId;
  const lowers = top === undefined ? [] : deps.images.snapshots.lowerDirs(top);
  // The topmost entry for an already-resolved path; a whiteout (char 0/0) or a non-directory at a
  // parent in a higher layer hides what lower layers hold there.
  const statTop = (abs: string): { dir: string; st: Stats } | undefined => {
    const parts = abs.split("/").filter(Boolean);
    for (const dir of lowers) {
      for (let i = 1; i < parts.length; i++) {
        try {
          if (!lstatSync(join(dir, ...parts.slice(0, i))).isDirectory()) return undefined;
        } catch {
          /* this layer has nothing there */
        }
      }
      try {
        const st = lstatSync(join(dir, ...parts));
        if (st.isCharacterDevice() && st.rdev === 0) return undefined;
        return { dir, st };
      } catch {
        /* not in this layer */
      }
    }
    return undefined;
  };
  const resolve = (abs: string): string => {
    let resolved = "/";
    const queue = abs.split("/").filter(Boolean);
    let hops = 0;
    while (queue.length > 0) {
      const name = queue.shift() ?? "";
      if (name === ".") continue;
      if (name === "..") {
        resolved = posix.dirname(resolved);
        continue;
      }
      const candidate = posix.join(resolved, name);
      const hit = statTop(candidate);
      if (hit?.st.isSymbolicLink() && hops++ < 40) {
        const target = readlinkSync(join(hit.dir, candidate));
        if (target.startsWith("/")) resolved = "/";
        queue.unshift(...target.split("/").filter(Boolean));
        continue;
      }
      resolved = candidate;
    }
    return resolved;
  };
  return {
    resolve,
    lookup(abs) {
      const st = statTop(resolve(abs))?.st;
      if (!st) return undefined;
      return st.isDirectory() ? "dir" : st.isSymbolicLink() ? "symlink" : st.isFile() ? "file" : "other";
    },
  };
}

export function imageLookup(
  deps: BuildDeps,
  image: ImageRecord | undefined,
): (abs: string) => PathKind | undefined {
  const fs = imageFs(deps, image);
  return (abs) => fs.lookup(abs);
}

export function readImageFile(
  deps: BuildDeps,
  image: ImageRecord | undefined,
): (abs: string) => string | undefined {
  const top = image?.layers.at(-1)?.chainId;
  const lowers = top === undefined ? [] : deps.images.snapshots.lowerDirs(top);
  return (abs) => {
    for (const dir of lowers) {
      try {
        return readFileSync(join(dir, abs), "utf8");
      } catch {
        /* next layer */
      }
    }
    return undefined;
  };
}

/** The directories of `abs` (and its parents) that the image lacks, outermost first. */
export function missingDirs(lookup: (abs: string) => PathKind | undefined, abs: string): string[] {
  const parts = abs.split("/").filter(Boolean);
  const out: string[] = [];
  for (let i = 1; i <= parts.length; i++) {
    const p = "/" + parts.slice(0, i).join("/");
    if (lookup(p) === undefined) out.push(p);
  }
  return out;
}

/**
 * A read-only view of an image's filesystem (COPY --from, RUN --mount=type=bind,from=): its
 * snapshot dirs stacked by a read-only overlay mount under the build's work dir, unmounted
 * when the build ends (before the work dir goes).
 */
export async function mountView(ctx: StepContext, image: ImageRecord | undefined): Promise<string> {
  const dir = join(ctx.work, `view-${randomBytes(4).toString("hex")}`);
  mkdirSync(dir);
  const top = image?.layers.at(-1)?.chainId;
  if (top === undefined) return dir; // FROM scratch without layers: an empty tree
  await mountOverlay({ lowerDirs: ctx.deps.images.snapshots.lowerDirs(top), target: dir, readonly: true });
  ctx.cleanups.push(() => unmount(dir, { lazy: true }));
  return dir;
}

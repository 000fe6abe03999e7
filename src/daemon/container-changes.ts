// `docker diff` (GET /containers/{id}/changes): what the container changed against its image,
// read from its overlay upper dir (Kind 0 modified, 1 added, 2 deleted; swagger
// "FilesystemChange"). An entry is "added" unless a lower layer has the path; an overlay
// whiteout is a deletion; an opaque directory deletes what the lower layers had below it.
// The runtime's mount points (/etc/hosts...) are left out, as Docker keeps them in an init layer.
import type { Stats } from "node:fs";
import { lstat, readdir } from "node:fs/promises";
import { join } from "node:path";
import { lgetxattr } from "../lib/index.ts";

export interface FilesystemChange {
  Path: string;
  Kind: 0 | 1 | 2;
}

const OPAQUE = "trusted.overlay.opaque";

export async function containerChanges(
  upperDir: string,
  lowerDirs: readonly string[],
  exclude: ReadonlySet<string>,
): Promise<FilesystemChange[]> {
  const out: FilesystemChange[] = [];
  /** The path as the lower layers show it (top-most first), or undefined when absent. */
  const lower = async (rel: string): Promise<Stats | undefined> => {
    for (const dir of lowerDirs) {
      const st = await lstat(join(dir, rel)).catch(() => undefined);
      if (st === undefined) continue;
      if (st.isCharacterDevice() && st.rdev === 0) return undefined; // whited out below
      return st;
    }
    return undefined;
  };
  const walk = async (rel: string): Promise<boolean> => {
    let reported = false;
    const names = (await readdir(rel === "" ? upperDir : join(upperDir, rel)).catch(() => [])).sort();
    for (const name of names) {
      const path = rel === "" ? name : `${rel}/${name}`;
      if (exclude.has(path)) continue;
      const st = await lstat(join(upperDir, path));
      if (st.isCharacterDevice() && st.rdev === 0) {
        if ((await lower(path)) !== undefined) {
          out.push({ Path: `/${path}`, Kind: 2 });
          reported = true;
        }
        continue;
      }
      const below = await lower(path);
      if (!st.isDirectory()) {
        out.push({ Path: `/${path}`, Kind: below === undefined ? 1 : 0 });
        reported = true;
        continue;
      }
      const index = out.length;
      let childReported = await walk(path);
      if (below?.isDirectory() && lgetxattr(join(upperDir, path), OPAQUE)?.toString() === "y") {
        const upperNames = new Set(await readdir(join(upperDir, path)));
        for (const dir of lowerDirs) {
          for (const n of await readdir(join(dir, path)).catch(() => [] as string[])) {
            if (upperNames.has(n)) continue;
            upperNames.add(n);
            out.push({ Path: `/${path}/${n}`, Kind: 2 });
            childReported = true;
          }
        }
      }
      // A directory copied up only because something below it changed is "modified" in
      // Docker's output too; one whose own metadata changed with nothing below is as well.
      const own =
        below === undefined ||
        !below.isDirectory() ||
        childReported ||
        below.mode !== st.mode ||
        below.uid !== st.uid ||
        below.gid !== st.gid;
      if (own) {
        out.splice(index, 0, { Path: `/${path}`, Kind: below === undefined ? 1 : 0 });
        reported = true;
      }
    }
    return reported;
  };
  await walk("");
  return out.sort((a, b) => (a.Path < b.Path ? -1 : a.Path > b.Path ? 1 : 0));
}

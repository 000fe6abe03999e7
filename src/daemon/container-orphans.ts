// Containers a killed daemon left half removed: the row is gone (the API no longer shows them)
// but some of their host-side state is still there (runc state and cgroups, the rootfs mount,
// conmon's files, the bundle, the container directory). That happens when berthd dies after
// answering a `docker run --rm` (whose release finishes in the background) or between deleting
// a row and trashing its files. Each of these lives in a directory named by the container id,
// so a restarted daemon finds them by listing those directories against the store.
import { readdir } from "node:fs/promises";

const CONTAINER_ID = /^[0-9a-f]{64}$/;

/** Ids with an entry in any of `dirs` but not in `known` (missing dirs count as empty). */
export async function orphanContainerIds(
  dirs: readonly string[],
  known: ReadonlySet<string>,
): Promise<string[]> {
  const found = new Set<string>();
  for (const dir of dirs) {
    const names = await readdir(dir).catch((err: NodeJS.ErrnoException) => {
      if (err.code === "ENOENT") return [];
      throw err;
    });
    for (const name of names) if (CONTAINER_ID.test(name) && !known.has(name)) found.add(name);
  }
  return [...found].sort();
}

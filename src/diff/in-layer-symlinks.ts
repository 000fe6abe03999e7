// The symlinks one layer has created so far, so that later entries of the same layer resolve
// their parent directories the way the container will see them, without ever leaving the layer
// root: an entry "a/passwd" after a symlink "a -> /etc" lands in <root>/etc/passwd, never in the
// host's /etc. The destination starts empty and only the extractor writes to it, so this map
// knows every symlink in the tree (containerd's fs.RootPath does the same walk on disk).
import { invalidArchive } from "../lib/index.ts";

/** Linux's limit on symlinks followed in one lookup (MAXSYMLINKS). */
const MAX_HOPS = 40;

export class InLayerSymlinks {
  readonly #links = new Map<string, string>();

  get size(): number {
    return this.#links.size;
  }

  has(path: string): boolean {
    return this.#links.has(path);
  }

  set(path: string, target: string): void {
    this.#links.set(path, target);
  }

  delete(path: string): void {
    this.#links.delete(path);
  }

  /** Forgets every link at or under `dir` (after the directory was removed). */
  deleteTree(dir: string): void {
    const prefix = `${dir}/`;
    for (const path of this.#links.keys())
      if (path === dir || path.startsWith(prefix)) this.#links.delete(path);
  }

  /**
   * Resolves the first `count` components of `parts` (a directory) to their real location
   * relative to the root, following the layer's symlinks at every step; `..` and absolute
   * targets are clamped to the root, as in a chroot. Returns "" for the root. `name` is only
   * for error messages.
   */
  resolve(parts: readonly string[], count: number, name: string): string {
    if (this.#links.size === 0)
      return count === parts.length ? parts.join("/") : parts.slice(0, count).join("/");
    let path = "";
    const pending = parts.slice(0, count).reverse(); // a stack: next component last
    let hops = 0;
    while (pending.length > 0) {
      const part = pending.pop() as string;
      if (part === "" || part === ".") continue;
      if (part === "..") {
        path = path.slice(0, Math.max(0, path.lastIndexOf("/")));
        continue;
      }
      const parent = path;
      path = path === "" ? part : `${path}/${part}`;
      const target = this.#links.get(path);
      if (target === undefined) continue;
      if (++hops > MAX_HOPS) throw invalidArchive(`too many levels of symbolic links resolving ${name}`);
      path = target.startsWith("/") ? "" : parent;
      const next = target.split("/");
      for (let i = next.length - 1; i >= 0; i--) pending.push(next[i] as string);
    }
    return path;
  }
}

// Deleting a removed container's directory (its writable layer, /etc files, log) in the
// background: the directory is first renamed into <root>/trash (one atomic rename), so
// `docker rm` answers without waiting for the unlinks, which on a filesystem mounted with
// `discard` cost milliseconds each (100 containers in one `docker rm -f`: seconds). A crash
// leaves only entries in trash/, emptied again at the next start.
import { randomBytes } from "node:crypto";
import { mkdirSync, readdirSync, renameSync, rmSync } from "node:fs";
import { rm } from "node:fs/promises";
import { join } from "node:path";
import type { Logger } from "../lib/index.ts";

export class TrashDir {
  private readonly pending = new Set<Promise<void>>();

  constructor(
    private readonly dir: string,
    private readonly log: Logger,
  ) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    // What a previous daemon moved here and did not finish deleting.
    for (const name of readdirSync(dir)) this.delete(join(dir, name));
  }

  /** Moves `path` out of the way and deletes it in the background (falls back to deleting now). */
  discard(path: string): void {
    const target = join(this.dir, `${randomBytes(8).toString("hex")}`);
    try {
      renameSync(path, target);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return;
      // Another filesystem (EXDEV) or a busy directory: the old synchronous way.
      rmSync(path, { recursive: true, force: true });
      return;
    }
    this.delete(target);
  }

  /** Resolves when every deletion started so far is done (tests, shutdown). */
  async drain(): Promise<void> {
    await Promise.all([...this.pending]);
  }

  private delete(path: string): void {
    const done = rm(path, { recursive: true, force: true, maxRetries: 3 })
      .catch((err: unknown) => this.log.warn("deleting a removed container's files", { path, err }))
      .finally(() => this.pending.delete(done));
    this.pending.add(done);
  }
}

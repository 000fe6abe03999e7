// One daemon per --root. The lock is an SQLite exclusive lock (fcntl underneath) held on the
// metadata database for the daemon's lifetime: the kernel drops it when the process dies, so a
// kill -9 never leaves a stale lock behind, and a second daemon fails at once.
import { join } from "node:path";
import { openMetadataDb, type Db } from "../metadata/index.ts";
import { unavailable } from "../lib/index.ts";

export function openLockedMetadataDb(root: string): Db {
  try {
    return openMetadataDb(join(root, "metadata.db"), { exclusive: true });
  } catch (err) {
    if ((err as { code?: string }).code === "SQLITE_BUSY") {
      throw unavailable("ROOT_LOCKED", `another berthd is using the root directory ${root}`, { cause: err });
    }
    throw err;
  }
}

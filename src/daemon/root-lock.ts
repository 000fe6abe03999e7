// One daemon per --root. The lock is an SQLite exclusive lock (fcntl underneath) held on the
// metadata database for the daemon's lifetime: the kernel drops it when the process dies, so a
// kill -9 never leaves a stale lock behind, and a second daemon fails at once.
import type { Db } from "../metadata/index.ts";
import { unavailable } from "../lib/index.ts";

export function lockRoot(db: Db, root: string): void {
  db.pragma("busy_timeout = 0");
  try {
    db.pragma("locking_mode = EXCLUSIVE");
    db.exec("BEGIN EXCLUSIVE; COMMIT;");
  } catch (err) {
    throw unavailable("ROOT_LOCKED", `another berthd is using the root directory ${root}`, { cause: err });
  }
  db.pragma("busy_timeout = 5000");
}

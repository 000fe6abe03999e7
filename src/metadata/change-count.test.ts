import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { changeCounter } from "./change-count.ts";
import { openMetadataDb } from "./metadata-db.ts";

test("changeCounter moves with every insert, update and delete, and is undefined in a transaction", () => {
  const dir = mkdtempSync(join(tmpdir(), "berth-change-count-"));
  const db = openMetadataDb(join(dir, "m.db"));
  try {
    db.exec("CREATE TABLE t (k TEXT PRIMARY KEY, v TEXT)");
    const changes = changeCounter(db);
    const seen = [changes()];
    db.prepare("INSERT INTO t VALUES ('a', '1')").run();
    seen.push(changes());
    db.prepare("UPDATE t SET v = '1' WHERE k = 'a'").run(); // same value: still a write
    seen.push(changes());
    db.prepare("DELETE FROM t WHERE k = 'a'").run();
    seen.push(changes());
    assert.deepEqual(
      seen.map((n) => typeof n),
      ["number", "number", "number", "number"],
    );
    for (let i = 1; i < seen.length; i++) assert.ok((seen[i] ?? 0) > (seen[i - 1] ?? 0), `step ${i}`);
    // A read changes nothing.
    const before = changes();
    db.prepare("SELECT * FROM t").all();
    assert.equal(changes(), before);
    // Inside a transaction no count is given (a rollback would undo rows without moving it).
    let inside: number | undefined = 0;
    assert.throws(() =>
      db.transaction(() => {
        db.prepare("INSERT INTO t VALUES ('b', '2')").run();
        inside = changes();
        throw new Error("roll back");
      })(),
    );
    assert.equal(inside, undefined);
    assert.ok((changes() ?? 0) > (before ?? 0));
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

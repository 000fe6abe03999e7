import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { createLogger } from "../lib/index.ts";
import { TrashDir } from "./trash-dir.ts";

const log = createLogger("error");

test("discard moves a directory away at once and deletes it in the background", async () => {
  const root = mkdtempSync(join(tmpdir(), "trash-"));
  try {
    const victim = join(root, "containers", "abc");
    mkdirSync(join(victim, "upper", "etc"), { recursive: true });
    writeFileSync(join(victim, "upper", "etc", "hosts"), "x");
    const trash = new TrashDir(join(root, "trash"), log);
    trash.discard(victim);
    assert.equal(existsSync(victim), false, "gone from its place before discard returns");
    await trash.drain();
    assert.deepEqual(readdirSync(join(root, "trash")), []);
    trash.discard(join(root, "missing")); // nothing to do, no error
    await trash.drain();
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test("a new TrashDir empties what a previous daemon left", async () => {
  const root = mkdtempSync(join(tmpdir(), "trash-"));
  try {
    mkdirSync(join(root, "trash", "left-over", "upper"), { recursive: true });
    const trash = new TrashDir(join(root, "trash"), log);
    await trash.drain();
    assert.deepEqual(readdirSync(join(root, "trash")), []);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

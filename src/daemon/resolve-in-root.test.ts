import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { resolveInRoot } from "./resolve-in-root.ts";

test("symlinks and .. resolve inside the root, never above it", () => {
  const root = mkdtempSync(join(tmpdir(), "rir-"));
  try {
    mkdirSync(join(root, "etc"));
    mkdirSync(join(root, "a", "b"), { recursive: true });
    symlinkSync("/etc", join(root, "abs"));
    symlinkSync("../../../../..", join(root, "a", "b", "up"));
    symlinkSync("/../../etc/passwd", join(root, "pw"));
    symlinkSync("loop2", join(root, "loop1"));
    symlinkSync("loop1", join(root, "loop2"));
    assert.equal(resolveInRoot(root, "/etc/passwd", true), join(root, "etc/passwd"));
    assert.equal(resolveInRoot(root, "/../../../etc", true), join(root, "etc"));
    assert.equal(resolveInRoot(root, "/abs/x", true), join(root, "etc/x"));
    assert.equal(resolveInRoot(root, "/a/b/up/etc", true), join(root, "etc"));
    assert.equal(resolveInRoot(root, "/pw", true), join(root, "etc/passwd"));
    assert.equal(resolveInRoot(root, "/pw", false), join(root, "pw"));
    assert.equal(resolveInRoot(root, "/a/b/up", true), root);
    assert.throws(() => resolveInRoot(root, "/loop1", true), /too many symlinks/);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

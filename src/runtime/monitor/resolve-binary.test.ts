import assert from "node:assert/strict";
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { resolveBinary } from "./resolve-binary.ts";

test("resolveBinary finds a name in PATH, remembers it, and looks again once it is gone", async () => {
  const root = mkdtempSync(join(tmpdir(), "resolve-binary-"));
  try {
    const [a, b] = [join(root, "a"), join(root, "b")];
    mkdirSync(a);
    mkdirSync(b);
    const tool = (dir: string): string => {
      const file = join(dir, "berth-test-tool");
      writeFileSync(file, "#!/bin/sh\n");
      chmodSync(file, 0o755);
      return file;
    };
    const path = `${a}:${b}`;
    const inB = tool(b);
    assert.equal(await resolveBinary("berth-test-tool", path), inB);
    assert.equal(await resolveBinary("berth-test-tool", path), inB, "remembered");
    rmSync(inB);
    assert.equal(await resolveBinary("berth-test-tool", path), undefined, "gone: not a stale answer");
    const inA = tool(a);
    assert.equal(await resolveBinary("berth-test-tool", path), inA);
    assert.equal(await resolveBinary("/nonexistent/berth-test-tool"), undefined);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { orphanContainerIds } from "./container-orphans.ts";

const id = (c: string): string => c.repeat(64);

test("ids found in any of the dirs but unknown to the store, each once", async () => {
  const root = mkdtempSync(join(tmpdir(), "orphans-"));
  try {
    const [a, b, c] = ["containers", "bundles", "exits"].map((d) => join(root, d));
    for (const d of [a, b, c]) mkdirSync(d ?? "");
    mkdirSync(join(a ?? "", id("1")));
    mkdirSync(join(a ?? "", id("2")));
    mkdirSync(join(b ?? "", id("2")));
    writeFileSync(join(c ?? "", id("3")), "0");
    mkdirSync(join(a ?? "", "not-an-id")); // other names are left alone
    const found = await orphanContainerIds(
      [a ?? "", b ?? "", c ?? "", join(root, "missing")],
      new Set([id("1")]),
    );
    assert.deepEqual(found, [id("2"), id("3")]);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test("nothing when every id is known or the dirs do not exist", async () => {
  assert.deepEqual(await orphanContainerIds([join(tmpdir(), "no-such-dir-orphans")], new Set()), []);
});

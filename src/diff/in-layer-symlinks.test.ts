import assert from "node:assert/strict";
import { test } from "node:test";
import { InLayerSymlinks } from "./in-layer-symlinks.ts";

const resolve = (links: InLayerSymlinks, path: string): string => {
  const parts = path.split("/");
  return links.resolve(parts, parts.length, path);
};

test("without symlinks a path resolves to itself", () => {
  const links = new InLayerSymlinks();
  assert.equal(resolve(links, "a/b/c"), "a/b/c");
  assert.equal(links.resolve(["a", "b", "c"], 2, "a/b/c"), "a/b");
});

test("relative, absolute, chained and clamped links", () => {
  const links = new InLayerSymlinks();
  links.set("bin", "usr/bin");
  links.set("lib", "/usr/lib");
  links.set("usr/lib/x", "../../opt");
  links.set("root", "/");
  links.set("up", "../../../..");
  links.set("d/self", ".");
  assert.equal(resolve(links, "bin/sh"), "usr/bin/sh");
  assert.equal(resolve(links, "lib/x/y"), "opt/y");
  assert.equal(resolve(links, "root/etc"), "etc");
  assert.equal(resolve(links, "up/etc"), "etc"); // `..` above the root stays at the root
  assert.equal(resolve(links, "d/self/self/f"), "d/f");
  assert.equal(resolve(links, "bin"), "usr/bin");
});

test("loops are an error", () => {
  const links = new InLayerSymlinks();
  links.set("a", "b");
  links.set("b", "a/c");
  assert.throws(() => resolve(links, "a/x"), { code: "INVALID_ARCHIVE" });
});

test("deleteTree forgets links under a removed directory", () => {
  const links = new InLayerSymlinks();
  links.set("d/l", "x");
  links.set("d/e/l", "x");
  links.set("dd/l", "x");
  links.deleteTree("d");
  assert.equal(links.has("d/l") || links.has("d/e/l"), false);
  assert.equal(links.has("dd/l"), true);
});

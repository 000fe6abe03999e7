import assert from "node:assert/strict";
import { test } from "node:test";
import { cleanEntryPath, symlinkEscapes } from "./entry-path.ts";

test("cleanEntryPath: components of safe names", () => {
  const cases: [string, string[]][] = [
    ["a/b/c", ["a", "b", "c"]],
    ["./a//b/./c/", ["a", "b", "c"]],
    ["a/../b", ["b"]],
    [".", []],
    ["./", []],
    ["", []],
    ["a/..", []],
    [".wh..wh..opq", [".wh..wh..opq"]],
    ["..a/b..", ["..a", "b.."]],
  ];
  for (const [name, parts] of cases) assert.deepEqual(cleanEntryPath(name), parts, name);
});

test("cleanEntryPath: unsafe names", () => {
  for (const name of ["/etc/passwd", "../x", "a/../../x", "..", "./../x", "a\0b"]) {
    assert.throws(() => cleanEntryPath(name), { code: "UNSAFE_ARCHIVE_PATH" }, name);
  }
});

test("symlinkEscapes follows Docker's filepath.Join(dir, target) rule", () => {
  const cases: [string[], string, boolean][] = [
    [[], "a", false],
    [[], "/anything/../../..", false], // absolute targets are in-container paths
    [[], "..", true],
    [[], ".", false],
    [["a"], "..", false],
    [["a"], "../..", true],
    [["a", "b"], "../../c", false],
    [["a", "b"], "../../../c", true],
    [["a"], "x/../../..", true],
    [["a"], "x/../..", false],
  ];
  for (const [dir, target, escapes] of cases)
    assert.equal(symlinkEscapes(dir, target), escapes, `${dir}: ${target}`);
});

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  getRebaseName,
  prepareArchiveCopy,
  splitCpArg,
  splitPathDirEntry,
  tarTransform,
} from "./copy-paths.ts";

describe("docker cp paths", () => {
  it("splits container:path arguments as docker does", () => {
    assert.deepEqual(splitCpArg("c1:/etc"), { container: "c1", path: "/etc" });
    assert.deepEqual(splitCpArg("/abs:x"), { container: "", path: "/abs:x" });
    assert.deepEqual(splitCpArg("./file:name"), { container: "", path: "./file:name" });
    assert.deepEqual(splitCpArg("plain"), { container: "", path: "plain" });
  });
  it("splits the entry a path names", () => {
    assert.deepEqual(splitPathDirEntry("/a/b/"), { dir: "/a", base: "b" });
    assert.deepEqual(splitPathDirEntry("/a/b/."), { dir: "/a/b", base: "." });
    assert.deepEqual(splitPathDirEntry("/"), { dir: "/", base: "/" });
  });
  it("extracts into the destination or renames into its parent", () => {
    const file = { path: "/src/a", exists: true, isDir: false };
    const dir = { path: "/src/d", exists: true, isDir: true };
    assert.deepEqual(prepareArchiveCopy(file, { path: "/t", exists: true, isDir: true }, "a"), {
      dstDir: "/t",
    });
    assert.deepEqual(prepareArchiveCopy(file, { path: "/t/x", exists: false, isDir: false }, "a"), {
      dstDir: "/t",
      rename: { from: "a", to: "x" },
    });
    assert.deepEqual(prepareArchiveCopy(dir, { path: "/t/new", exists: false, isDir: false }, "d"), {
      dstDir: "/t",
      rename: { from: "d", to: "new" },
    });
    assert.throws(() => prepareArchiveCopy(dir, { path: "/t/f", exists: true, isDir: false }, "d"), {
      message: "cannot copy directory",
    });
    assert.throws(() => prepareArchiveCopy(file, { path: "/t/x/", exists: false, isDir: false }, "a"), {
      message: "no such directory",
    });
    assert.deepEqual(
      prepareArchiveCopy({ ...file, rebaseName: "lnk" }, { path: "/t", exists: true, isDir: true }, "a"),
      { dstDir: "/t", rename: { from: "a", to: "lnk" } },
    );
  });
  it("keeps the link's name when following it", () => {
    assert.deepEqual(getRebaseName("/lnk", "/d/a"), { path: "/d/a", rebaseName: "lnk" });
    assert.deepEqual(getRebaseName("/dl/.", "/d"), { path: "/d/.", rebaseName: "" });
  });
  it("writes GNU tar transforms that match literally", () => {
    assert.equal(tarTransform("a.b", "x&y"), "s|^a\\.b|x\\&y|rhS");
  });
});

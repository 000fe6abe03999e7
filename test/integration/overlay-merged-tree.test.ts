// A multi-layer image with deletions and opaque directories, loaded through the daemon and
// mounted with overlayfs from the snapshots it unpacked: the merged tree must be exactly what
// the layers say, file by file (OCI image-spec layer.md "Whiteouts").
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, lstatSync, mkdirSync, readFileSync, readdirSync, readlinkSync, statSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { startDaemon, type TestDaemon } from "../helpers/daemon.ts";
import {
  dirEntry,
  fileEntry,
  hardlinkEntry,
  makeDockerArchive,
  opaqueEntry,
  symlinkEntry,
  whiteoutEntry,
} from "../helpers/image-fixtures.ts";

describe("layers unpacked into overlay snapshots", () => {
  let daemon: TestDaemon;
  let merged: string;

  before(async () => {
    daemon = await startDaemon();
    const archive = join(daemon.dir, "layers.tar");
    await makeDockerArchive(archive, [
      {
        repoTags: ["layered:1"],
        layers: [
          [
            dirEntry("etc", { mode: 0o755 }),
            fileEntry("etc/keep", "base\n", { mode: 0o640, uid: 12, gid: 34 }),
            fileEntry("etc/gone", "deleted later\n"),
            dirEntry("data"),
            fileEntry("data/old-1", "1"),
            fileEntry("data/old-2", "2"),
            dirEntry("tools"),
            fileEntry("tools/run", "#!/bin/sh\n", { mode: 0o4755 }),
            hardlinkEntry("tools/run-again", "tools/run"),
            symlinkEntry("etc/link", "keep"),
            { type: "fifo", path: "etc/pipe", mode: 0o600 },
            { type: "char", path: "etc/null", major: 1, minor: 3, mode: 0o666 },
          ],
          [whiteoutEntry("etc/gone"), opaqueEntry("data"), fileEntry("data/new", "fresh\n")],
          [fileEntry("etc/keep", "changed\n", { mode: 0o600, uid: 12, gid: 34 }), whiteoutEntry("tools")],
        ],
      },
    ]);
    const load = await daemon.docker(["load", "-i", archive]);
    assert.equal(load.code, 0, load.stderr);
    const lower = await daemon.docker([
      "image",
      "inspect",
      "--format",
      "{{.GraphDriver.Data.LowerDir}}",
      "layered:1",
    ]);
    assert.equal(lower.code, 0, lower.stderr);
    merged = join(daemon.dir, "merged");
    mkdirSync(merged);
    execFileSync("mount", ["-t", "overlay", "overlay", "-o", `ro,lowerdir=${lower.stdout.trim()}`, merged]);
  });

  after(async () => {
    if (merged) execFileSync("umount", [merged]);
    await daemon.cleanup();
  });

  it("shows the top layer's version of a changed file with its metadata", () => {
    assert.equal(readFileSync(join(merged, "etc/keep"), "utf8"), "changed\n");
    const st = statSync(join(merged, "etc/keep"));
    assert.equal(st.mode & 0o7777, 0o600);
    assert.equal(st.uid, 12);
    assert.equal(st.gid, 34);
  });

  it("hides whited-out files and directories", () => {
    assert.equal(existsSync(join(merged, "etc/gone")), false);
    assert.equal(existsSync(join(merged, "tools")), false);
  });

  it("an opaque directory hides everything below it", () => {
    assert.deepEqual(readdirSync(join(merged, "data")).sort(), ["new"]);
    assert.equal(readFileSync(join(merged, "data/new"), "utf8"), "fresh\n");
  });

  it("keeps symlinks, fifos and device nodes", () => {
    assert.equal(readlinkSync(join(merged, "etc/link")), "keep");
    assert.ok(lstatSync(join(merged, "etc/pipe")).isFIFO());
    const dev = lstatSync(join(merged, "etc/null"));
    assert.ok(dev.isCharacterDevice());
    assert.equal(dev.rdev, (1 << 8) | 3);
  });

  it("lists exactly the expected tree and no whiteout markers", () => {
    const walk = (dir: string, prefix = ""): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
        const rel = `${prefix}${e.name}`;
        return e.isDirectory() ? [rel + "/", ...walk(join(dir, e.name), rel + "/")] : [rel];
      });
    assert.deepEqual(walk(merged).sort(), [
      "data/",
      "data/new",
      "etc/",
      "etc/keep",
      "etc/link",
      "etc/null",
      "etc/pipe",
    ]);
  });

  it("the lower layer kept its hardlink and setuid bit", () => {
    const snapshots = join(daemon.root, "overlay");
    const found = readdirSync(snapshots)
      .map((d) => join(snapshots, d, "fs", "tools"))
      .find((p) => existsSync(join(p, "run")));
    assert.ok(found, "the first layer's tools dir");
    const a = statSync(join(found, "run"));
    const b = statSync(join(found, "run-again"));
    assert.equal(a.ino, b.ino);
    assert.equal(a.mode & 0o7777, 0o4755);
  });
});

import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync, linkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough, Readable } from "node:stream";
import { test } from "node:test";
import { lsetxattr, mknod, S_IFCHR } from "../lib/index.ts";
import { readTar } from "./read-tar.ts";
import { upperDirEntries, writeLayerFromUpperDir } from "./upper-dir-layer.ts";

test("overlay whiteouts and opaque dirs become OCI whiteouts; excluded paths and overlay xattrs stay out", async () => {
  const dir = mkdtempSync(join(tmpdir(), "upper-"));
  try {
    mkdirSync(join(dir, "etc"));
    writeFileSync(join(dir, "etc", "hostname"), "");
    writeFileSync(join(dir, "etc", "passwd"), "root\n");
    mknod(join(dir, "etc", "gone"), S_IFCHR | 0o000, 0, 0);
    mkdirSync(join(dir, "opaque"));
    lsetxattr(join(dir, "opaque"), "trusted.overlay.opaque", Buffer.from("y"));
    writeFileSync(join(dir, "opaque", "a"), "a");
    symlinkSync("/etc/passwd", join(dir, "link"));
    linkSync(join(dir, "etc", "passwd"), join(dir, "hard"));
    const entries = [];
    for await (const e of upperDirEntries(dir, { exclude: new Set(["etc/hostname"]) })) entries.push(e);
    assert.deepEqual(
      entries.map((e) => `${e.type} ${e.name}`),
      [
        "directory etc",
        "file etc/.wh.gone",
        "file etc/passwd",
        "hardlink hard",
        "symlink link",
        "directory opaque",
        "file opaque/.wh..wh..opq",
        "file opaque/a",
      ],
    );
    assert.equal(entries.find((e) => e.name === "opaque")?.xattrs, undefined);

    const out = new PassThrough();
    const chunks: Buffer[] = [];
    out.on("data", (c: Buffer) => chunks.push(c));
    const { diffId, size } = await writeLayerFromUpperDir(dir, out);
    const tar = Buffer.concat(chunks);
    assert.equal(size, tar.length);
    assert.match(diffId, /^sha256:[a-f0-9]{64}$/);
    const names: string[] = [];
    for await (const entry of readTar(Readable.from([tar]))) {
      names.push(entry.header.name);
      await entry.buffer();
    }
    assert.ok(names.includes("etc/.wh.gone") && names.includes("etc/hostname"));
    assert.ok(names.includes("opaque/.wh..wh..opq"));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

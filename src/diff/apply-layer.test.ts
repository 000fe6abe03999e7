import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { execFileSync } from "node:child_process";
import {
  chmodSync,
  chownSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  writeFileSync,
  existsSync,
} from "node:fs";
import { after, describe, test } from "node:test";
import type { ErrorCategory } from "../lib/index.ts";
import { isEngineError, lgetxattr } from "../lib/index.ts";
import type { ApplyLayerResult } from "./apply-layer-in-process.ts";
import { applyLayerInProcess } from "./apply-layer-in-process.ts";
import { applyLayer, closeLayerWorkers } from "./apply-layer.ts";
import type { PyTarEntry, PyTarOptions } from "./test-tar.ts";
import { pyTar, tempDir } from "./test-tar.ts";

const tmp = tempDir("berth-apply-layer-");
after(async () => {
  tmp.remove();
  await closeLayerWorkers();
});

let counter = 0;
function layer(entries: PyTarEntry[], options: PyTarOptions = {}): { blob: string; dest: string } {
  const n = counter++;
  const blob = pyTar(tmp.join(`layer-${n}.tar${options.gzip === true ? ".gz" : ""}`), entries, options);
  const dest = tmp.join(`root-${n}`);
  mkdirSync(dest);
  return { blob, dest };
}

async function apply(
  entries: PyTarEntry[],
  options: PyTarOptions = {},
): Promise<{ dest: string } & ApplyLayerResult> {
  const { blob, dest } = layer(entries, options);
  return { dest, ...(await applyLayerInProcess(blob, dest)) };
}

function failsWith(category: ErrorCategory, code: string, message?: RegExp): (err: unknown) => boolean {
  return (err) => {
    assert.ok(isEngineError(err), `not an EngineError: ${String(err)}`);
    assert.equal(err.category, category, err.message);
    assert.equal(err.code, code, err.message);
    if (message !== undefined) assert.match(err.message, message);
    return true;
  };
}

const sha256 = (path: string): string =>
  `sha256:${createHash("sha256").update(readFileSync(path)).digest("hex")}`;
const mode = (path: string): number => lstatSync(path).mode & 0o7777;

describe("applyLayer extracts", () => {
  test("files and directories with modes, owners and times", async () => {
    const entries: PyTarEntry[] = [
      { name: ".", type: "dir", mode: 0o755, mtime: 1400000000 },
      { name: "etc", type: "dir", mode: 0o755, mtime: 1600000000 },
      { name: "etc/passwd", data: "root:x:0:0\n", mode: 0o644 },
      { name: "bin/su", data: "su", mode: 0o4755 }, // no entry for bin/: implied
      { name: "bin/sg", data: "sg", mode: 0o2755, gid: 42 },
      { name: "tmp", type: "dir", mode: 0o1777 },
      { name: "home/u", type: "dir", mode: 0o700, uid: 1000, gid: 1000, mtime: 1500000000 },
      { name: "home/u/f", data: "private", mode: 0o600, uid: 1000, gid: 1001 },
      { name: "ro", data: "read only", mode: 0o444 },
      { name: "wide", data: "", mode: 0o777 },
      { name: "frac", data: "t", pax: { mtime: "1700000000.25" } },
    ];
    const { blob, dest } = layer(entries);
    const result = await applyLayerInProcess(blob, dest);
    assert.equal(result.diffId, sha256(blob));
    assert.equal(result.size, "root:x:0:0\n".length + 2 + 2 + "private".length + "read only".length + 1);
    assert.equal(readFileSync(`${dest}/etc/passwd`, "utf8"), "root:x:0:0\n");
    assert.equal(mode(`${dest}/bin/su`), 0o4755);
    assert.equal(mode(`${dest}/bin/sg`), 0o2755);
    assert.equal(lstatSync(`${dest}/bin/sg`).gid, 42);
    assert.equal(mode(`${dest}/bin`), 0o755);
    assert.equal(mode(`${dest}/tmp`), 0o1777);
    assert.equal(mode(`${dest}/home/u`), 0o700);
    const f = lstatSync(`${dest}/home/u/f`);
    assert.deepEqual([f.uid, f.gid, f.mode & 0o7777], [1000, 1001, 0o600]);
    assert.equal(lstatSync(`${dest}/home/u`).uid, 1000);
    assert.equal(readFileSync(`${dest}/ro`, "utf8"), "read only");
    assert.equal(mode(`${dest}/ro`), 0o444);
    assert.equal(mode(`${dest}/wide`), 0o777);
    // Directory times are set after their contents were written.
    assert.equal(lstatSync(`${dest}/home/u`).mtimeMs, 1500000000000);
    assert.equal(lstatSync(`${dest}/etc`).mtimeMs, 1600000000000);
    assert.equal(lstatSync(dest).mtimeMs, 1400000000000);
    assert.equal(lstatSync(`${dest}/etc/passwd`).mtimeMs, 1700000000000);
    assert.equal(lstatSync(`${dest}/frac`).mtimeMs, 1700000000250);
  });

  test("owners inside setgid directories: the header's group, not the directory's", async () => {
    // Entries owned by this thread's user and group skip chown, except where a setgid
    // directory would have given them its own group.
    const { dest } = await apply([
      { name: "shared", type: "dir", mode: 0o2775, gid: 50 },
      { name: "shared/f", data: "f" },
      { name: "shared/l", type: "symlink", linkname: "f" },
      { name: "shared/sub/g", data: "g" }, // sub/ implied: 0755, not setgid
      { name: "plain", type: "dir", mode: 0o755, gid: 50 },
      { name: "plain/h", data: "h" },
      { name: "again", type: "dir", mode: 0o2755, gid: 51 },
      { name: "again", type: "dir", mode: 0o755, gid: 51 }, // setgid bit dropped by a later entry
      { name: "again/i", data: "i" },
    ]);
    assert.equal(mode(`${dest}/shared`), 0o2775);
    for (const path of ["shared/f", "shared/l", "shared/sub/g", "plain/h", "again/i"]) {
      const st = lstatSync(`${dest}/${path}`);
      assert.deepEqual([path, st.uid, st.gid], [path, 0, 0]);
    }
  });

  test("a setgid destination directory: top-level entries still get their header's group", async () => {
    const { blob, dest } = layer([{ name: "top", data: "t" }]);
    chownSync(dest, 0, 77);
    chmodSync(dest, 0o2755);
    await applyLayerInProcess(blob, dest);
    assert.equal(lstatSync(`${dest}/top`).gid, 0);
  });

  test("symlinks, hardlinks, devices, fifos and xattrs", async () => {
    const { dest } = await apply([
      { name: "bin/dash", data: "#!", mode: 0o755 },
      { name: "bin/sh", type: "symlink", linkname: "dash", uid: 5, gid: 6, mtime: 1300000000 },
      { name: "etc/localtime", type: "symlink", linkname: "/usr/share/zoneinfo/UTC" },
      { name: "bin/sh2", type: "hardlink", linkname: "bin/dash" },
      { name: "dev/null", type: "char", major: 1, minor: 3, mode: 0o666 },
      { name: "dev/sda", type: "block", major: 8, minor: 1, mode: 0o660, gid: 6 },
      { name: "run/fifo", type: "fifo", mode: 0o600 },
      {
        name: "x",
        data: "x",
        pax: {
          "SCHILY.xattr.user.comment": "hi",
          "SCHILY.xattr.trusted.berth": "t",
          "SCHILY.xattr.trusted.overlay.opaque": "y", // must not reach overlayfs
        },
      },
    ]);
    assert.equal(readlinkSync(`${dest}/bin/sh`), "dash");
    const sh = lstatSync(`${dest}/bin/sh`);
    assert.deepEqual([sh.uid, sh.gid, sh.mtimeMs], [5, 6, 1300000000000]);
    assert.equal(readlinkSync(`${dest}/etc/localtime`), "/usr/share/zoneinfo/UTC");
    const dash = lstatSync(`${dest}/bin/dash`);
    assert.equal(lstatSync(`${dest}/bin/sh2`).ino, dash.ino);
    assert.equal(dash.nlink, 2);
    const nul = lstatSync(`${dest}/dev/null`);
    assert.ok(nul.isCharacterDevice());
    assert.equal(nul.rdev, (1 << 8) | 3);
    assert.equal(nul.mode & 0o7777, 0o666);
    const sda = lstatSync(`${dest}/dev/sda`);
    assert.ok(sda.isBlockDevice());
    assert.deepEqual([sda.rdev, sda.gid, sda.mode & 0o7777], [(8 << 8) | 1, 6, 0o660]);
    assert.ok(lstatSync(`${dest}/run/fifo`).isFIFO());
    assert.equal(mode(`${dest}/run/fifo`), 0o600);
    assert.deepEqual(lgetxattr(`${dest}/x`, "user.comment"), Buffer.from("hi"));
    assert.deepEqual(lgetxattr(`${dest}/x`, "trusted.berth"), Buffer.from("t"));
    assert.equal(lgetxattr(`${dest}/x`, "trusted.overlay.opaque"), null);
  });

  test("whiteouts become overlayfs whiteouts and opaque directories", async () => {
    const { dest } = await apply([
      { name: "etc", type: "dir" },
      { name: "etc/.wh.passwd", uid: 3, gid: 4 },
      { name: ".wh.gone-dir" },
      { name: "var", type: "dir", mode: 0o750 },
      { name: "var/.wh..wh..opq" },
      { name: "var/new", data: "n" },
      { name: "late/.wh..wh..opq" }, // marker before its directory's entry
      { name: "late", type: "dir", mode: 0o711 },
      { name: ".wh..wh.plnk", data: "" }, // AUFS metadata: ignored
      { name: "keep", data: "same layer" },
      { name: ".wh.keep" }, // hides lower layers only, not this layer's file
      { name: ".wh.redo" },
      { name: "redo", type: "dir" },
      { name: "redo/f", data: "f" },
      { name: ".wh.implied" },
      { name: "implied/f", data: "f" },
    ]);
    const wh = lstatSync(`${dest}/etc/passwd`);
    assert.ok(wh.isCharacterDevice());
    assert.equal(wh.rdev, 0);
    assert.deepEqual([wh.uid, wh.gid], [3, 4]);
    assert.ok(lstatSync(`${dest}/gone-dir`).isCharacterDevice());
    assert.deepEqual(lgetxattr(`${dest}/var`, "trusted.overlay.opaque"), Buffer.from("y"));
    assert.equal(readFileSync(`${dest}/var/new`, "utf8"), "n");
    assert.equal(mode(`${dest}/var`), 0o750);
    assert.deepEqual(lgetxattr(`${dest}/late`, "trusted.overlay.opaque"), Buffer.from("y"));
    assert.equal(mode(`${dest}/late`), 0o711);
    assert.equal(readFileSync(`${dest}/keep`, "utf8"), "same layer");
    for (const dir of ["redo", "implied"]) {
      assert.ok(lstatSync(`${dest}/${dir}`).isDirectory());
      assert.deepEqual(lgetxattr(`${dest}/${dir}`, "trusted.overlay.opaque"), Buffer.from("y"), dir);
    }
    assert.equal(lgetxattr(`${dest}/etc`, "trusted.overlay.opaque"), null);
    assert.deepEqual(
      readdirSync(dest).filter((n) => n.startsWith(".wh.")),
      [],
    );
  });

  test("later entries replace earlier ones; directories merge", async () => {
    const { dest } = await apply([
      { name: "a", data: "one" },
      { name: "a", data: "two" },
      { name: "b/x", data: "x" },
      { name: "b", data: "now a file" },
      { name: "c", data: "file first" },
      { name: "c", type: "dir" },
      { name: "c/y", data: "y" },
      { name: "d", type: "dir", mode: 0o700 },
      { name: "d/z", data: "z" },
      { name: "d", type: "dir", mode: 0o755 },
      { name: "e", type: "symlink", linkname: "a" },
      { name: "e", data: "replaces the link" },
      { name: "f", data: "1" },
      { name: "g", type: "hardlink", linkname: "f" },
      { name: "f", data: "2" },
    ]);
    assert.equal(readFileSync(`${dest}/a`, "utf8"), "two");
    assert.equal(readFileSync(`${dest}/b`, "utf8"), "now a file");
    assert.equal(readFileSync(`${dest}/c/y`, "utf8"), "y");
    assert.equal(readFileSync(`${dest}/d/z`, "utf8"), "z");
    assert.equal(mode(`${dest}/d`), 0o755);
    assert.ok(lstatSync(`${dest}/e`).isFile());
    assert.equal(readFileSync(`${dest}/g`, "utf8"), "1");
    assert.equal(readFileSync(`${dest}/f`, "utf8"), "2");
  });

  test("entries under a symlink of the same layer stay inside the root", async () => {
    const host = tmp.join("host-dir");
    mkdirSync(host);
    const { dest } = await apply([
      { name: "evil", type: "symlink", linkname: host }, // absolute: an in-container path
      { name: "evil/pwned", data: "inside" },
      { name: "hl", type: "hardlink", linkname: "evil/pwned" },
      { name: "up", type: "symlink", linkname: "." },
      { name: "up/up/viaup", data: "root" },
      { name: "a", type: "symlink", linkname: "b" },
      { name: "b", type: "symlink", linkname: "/c" },
      { name: "a/f", data: "chained" },
      { name: "dots", type: "symlink", linkname: "/../../.." },
      { name: "dots/clamped", data: "clamped" },
    ]);
    assert.deepEqual(readdirSync(host), []);
    assert.equal(readFileSync(`${dest}${host}/pwned`, "utf8"), "inside");
    assert.equal(lstatSync(`${dest}/hl`).ino, lstatSync(`${dest}${host}/pwned`).ino);
    assert.equal(readFileSync(`${dest}/viaup`, "utf8"), "root");
    assert.equal(readFileSync(`${dest}/c/f`, "utf8"), "chained");
    assert.equal(readFileSync(`${dest}/clamped`, "utf8"), "clamped");
  });

  test("gzip layers: same DiffID as the tar inside, detected by magic bytes", async () => {
    const entries: PyTarEntry[] = [{ name: "f", data: "compressed ".repeat(1000) }];
    const plain = layer(entries);
    const gz = layer(entries, { gzip: true });
    const a = await applyLayerInProcess(plain.blob, plain.dest);
    const b = await applyLayerInProcess(gz.blob, gz.dest);
    assert.deepEqual(a, b);
    assert.equal(a.diffId, sha256(plain.blob));
    assert.equal(readFileSync(`${gz.dest}/f`, "utf8"), "compressed ".repeat(1000));
  });

  test("an empty blob is an empty layer", async () => {
    const blob = tmp.join("empty.tar");
    writeFileSync(blob, "");
    const dest = tmp.join("empty-root");
    mkdirSync(dest);
    const result = await applyLayerInProcess(blob, dest);
    assert.deepEqual(result, { diffId: sha256(blob), size: 0, blobDigest: null });
  });
});

describe("applyLayer refuses", () => {
  const unsafe = failsWith("invalid-argument", "UNSAFE_ARCHIVE_PATH");
  const invalid = failsWith("invalid-argument", "INVALID_ARCHIVE");
  const cases: [string, PyTarEntry[], (err: unknown) => boolean][] = [
    ["a name with ..", [{ name: "../x", data: "x" }], unsafe],
    ["a name whose .. climbs out", [{ name: "a/../../x", data: "x" }], unsafe],
    ["an absolute name", [{ name: "/abs", data: "x" }], unsafe],
    ["a symlink escaping the root", [{ name: "l", type: "symlink", linkname: "../../etc" }], unsafe],
    ["a nested symlink escaping", [{ name: "a/b/l", type: "symlink", linkname: "../../../x" }], unsafe],
    [
      "a symlink escaping from where it really lands",
      [
        { name: "s", type: "symlink", linkname: "." },
        { name: "t", type: "dir" },
        // As written, s/t/../../x stays inside; where it really lands, t/../../x does not.
        { name: "s/t/l", type: "symlink", linkname: "../../x" },
      ],
      unsafe,
    ],
    ["a hardlink outside the root", [{ name: "h", type: "hardlink", linkname: "../outside" }], unsafe],
    ["an absolute hardlink", [{ name: "h", type: "hardlink", linkname: "/etc/passwd" }], unsafe],
    [
      "a hardlink to an entry not yet extracted",
      [
        { name: "h", type: "hardlink", linkname: "later" },
        { name: "later", data: "x" },
      ],
      failsWith("invalid-argument", "INVALID_ARCHIVE", /not in the layer/),
    ],
    [
      "a hardlink to a directory",
      [
        { name: "d", type: "dir" },
        { name: "h", type: "hardlink", linkname: "d" },
      ],
      invalid,
    ],
    [
      "symlink loops",
      [
        { name: "l1", type: "symlink", linkname: "l2" },
        { name: "l2", type: "symlink", linkname: "l1" },
        { name: "l1/x", data: "x" },
      ],
      failsWith("invalid-argument", "INVALID_ARCHIVE", /symbolic links/),
    ],
    [
      "a whiteout naming nothing",
      [{ name: "dir/.wh." }],
      failsWith("invalid-argument", "INVALID_ARCHIVE", /whiteout/),
    ],
    [
      "a file under a file",
      [
        { name: "f", data: "x" },
        { name: "f/x", data: "x" },
      ],
      failsWith("invalid-argument", "INVALID_ARCHIVE", /not a directory/),
    ],
    ["an unsupported entry type", [{ name: "vol", type: "raw", typeflag: "V" }], invalid],
    ["a non-directory root", [{ name: "./", data: "x" }], invalid],
  ];
  for (const [what, entries, check] of cases) {
    test(what, async () => {
      const { blob, dest } = layer(entries);
      await assert.rejects(applyLayerInProcess(blob, dest), check);
      assert.equal(existsSync(tmp.join("x")) || existsSync(tmp.join("outside")), false);
    });
  }

  const base: PyTarEntry[] = [{ name: "file", data: "z".repeat(5000) }, { name: "after" }];

  test("a truncated archive", async () => {
    const { blob, dest } = layer(base);
    writeFileSync(blob, readFileSync(blob).subarray(0, 512 + 3000));
    await assert.rejects(
      applyLayerInProcess(blob, dest),
      failsWith("invalid-argument", "INVALID_ARCHIVE", /truncated/),
    );
  });

  test("a corrupt header", async () => {
    const { blob, dest } = layer(base);
    const data = readFileSync(blob);
    data[512 + 5120 + 3] = 0x21; // inside the second header (python wrote no PAX header before the first)
    writeFileSync(blob, data);
    await assert.rejects(
      applyLayerInProcess(blob, dest),
      failsWith("invalid-argument", "INVALID_ARCHIVE", /checksum/),
    );
  });

  test("corrupt and truncated gzip", async () => {
    const { blob, dest } = layer(base, { gzip: true });
    const data = readFileSync(blob);
    const corrupt = Buffer.from(data);
    for (let i = 20; i < 40; i++) corrupt[i] = (corrupt[i] ?? 0) ^ 0x5a;
    writeFileSync(blob, corrupt);
    await assert.rejects(
      applyLayerInProcess(blob, dest),
      failsWith("invalid-argument", "INVALID_ARCHIVE", /gzip/),
    );
    const dest2 = `${dest}-2`;
    mkdirSync(dest2);
    writeFileSync(blob, data.subarray(0, data.length - 30));
    await assert.rejects(
      applyLayerInProcess(blob, dest2),
      failsWith("invalid-argument", "INVALID_ARCHIVE", /gzip/),
    );
  });

  test("zstd layers, with a clear not-implemented error", async () => {
    const { blob, dest } = layer(base);
    writeFileSync(blob, Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0, 0, 0, 0]));
    await assert.rejects(
      applyLayerInProcess(blob, dest),
      failsWith("not-implemented", "UNSUPPORTED_COMPRESSION", /zstd/),
    );
  });

  test("a destination that is not empty", async () => {
    const { blob, dest } = layer(base);
    writeFileSync(`${dest}/existing`, "");
    await assert.rejects(
      applyLayerInProcess(blob, dest),
      failsWith("invalid-argument", "LAYER_DEST_NOT_EMPTY"),
    );
  });
});

describe("applyLayer on the worker thread", () => {
  test("gives the in-process result, for plain and gzip layers", async () => {
    const entries: PyTarEntry[] = [
      { name: "d", type: "dir" },
      { name: "d/f", data: "data ".repeat(300000), mode: 0o640, uid: 7 }, // spans several 1 MiB ring slots
      { name: "d/.wh.x" },
      { name: "d/l", type: "symlink", linkname: "f" },
    ];
    const plain = layer(entries);
    const gz = layer(entries, { gzip: true });
    const [a, b] = await Promise.all([applyLayer(plain.blob, plain.dest), applyLayer(gz.blob, gz.dest)]);
    assert.deepEqual(a, { diffId: sha256(plain.blob), size: 5 * 300000, blobDigest: null });
    assert.deepEqual(b, a);
    for (const dest of [plain.dest, gz.dest]) {
      assert.equal(readFileSync(`${dest}/d/f`, "utf8"), "data ".repeat(300000));
      assert.equal(lstatSync(`${dest}/d/f`).uid, 7);
      assert.ok(lstatSync(`${dest}/d/x`).isCharacterDevice());
    }
    // A reused worker starts its next digest from scratch.
    const again = layer(entries);
    assert.deepEqual(await applyLayer(again.blob, again.dest), a);
  });

  test("errors keep their category and code across the thread", async () => {
    const { blob, dest } = layer([{ name: "../escape", data: "x" }]);
    await assert.rejects(
      applyLayer(blob, dest),
      failsWith("invalid-argument", "UNSAFE_ARCHIVE_PATH", /escape/),
    );
    const ok = layer([{ name: "fine", data: "x" }]);
    assert.equal((await applyLayer(ok.blob, ok.dest)).size, 1); // the worker survives a failed job
  });

  test("an aborted signal rejects", async () => {
    const { blob, dest } = layer([{ name: "f", data: "x" }]);
    const controller = new AbortController();
    controller.abort(new Error("stop"));
    await assert.rejects(applyLayer(blob, dest, { signal: controller.signal }), /stop/);
  });
});

test("GNU tar's layer of this test tree applies with identical content", async () => {
  const src = tmp.join("gnu-src");
  mkdirSync(`${src}/a/b`, { recursive: true });
  writeFileSync(`${src}/a/b/file`, "gnu");
  execFileSync("ln", ["-s", "b/file", `${src}/a/link`]);
  const blob = tmp.join("gnu.tar");
  execFileSync("tar", ["--format=posix", "--xattrs", "-C", src, "-cf", blob, "."]);
  const dest = tmp.join("gnu-root");
  mkdirSync(dest);
  const result = await applyLayerInProcess(blob, dest);
  assert.equal(result.diffId, sha256(blob));
  assert.equal(readFileSync(`${dest}/a/link`, "utf8"), "gnu");
});

import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  chmodSync,
  chownSync,
  existsSync,
  linkSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { applyLayer, closeLayerWorkers } from "../diff/index.ts";
import { isEngineError } from "../lib/index.ts";
import { openMetadataDb, type Db } from "../metadata/index.ts";
import { mountOverlay, unmount } from "./overlay-mount.ts";
import { OverlaySnapshotter } from "./overlay-snapshotter.ts";

const tmp = mkdtempSync(join(tmpdir(), "berth-snapshot-"));
let db: Db;
let snapshots: OverlaySnapshotter;
const mounted: string[] = [];

before(() => {
  db = openMetadataDb(join(tmp, "metadata.db"));
  snapshots = new OverlaySnapshotter({ root: join(tmp, "overlay"), db });
});

after(async () => {
  for (const target of mounted.splice(0)) await unmount(target, { lazy: true }).catch(() => undefined);
  db.close();
  rmSync(tmp, { recursive: true, force: true });
  await closeLayerWorkers();
});

type Tree = (dir: string) => void;

/** Writes a layer's tree with real files (whiteouts are plain `.wh.` files), tars it with GNU tar. */
function layerTar(name: string, build: Tree): string {
  const dir = join(tmp, "src", name);
  mkdirSync(dir, { recursive: true });
  build(dir);
  const blob = join(tmp, `${name}.tar`);
  execFileSync("tar", ["--format=posix", "--numeric-owner", "--xattrs", "-C", dir, "-cf", blob, "."]);
  return blob;
}

function file(path: string, content: string, mode = 0o644, uid = 0, gid = 0): void {
  mkdirSync(join(path, ".."), { recursive: true });
  writeFileSync(path, content);
  chownSync(path, uid, gid);
  chmodSync(path, mode);
}

const sha256 = (s: string): string => `sha256:${createHash("sha256").update(s).digest("hex")}`;
const sha256File = (path: string): string =>
  `sha256:${createHash("sha256").update(readFileSync(path)).digest("hex")}`;

/** OCI image-spec config.md "Layer ChainID". */
function chainIds(diffIds: string[]): string[] {
  const out: string[] = [];
  for (const diffId of diffIds) {
    const previous = out.at(-1);
    out.push(previous === undefined ? diffId : sha256(`${previous} ${diffId}`));
  }
  return out;
}

const layers: string[] = [];
let chains: string[] = [];

describe("a three-layer image with deletions and opaque directories", () => {
  before(() => {
    layers.push(
      layerTar("base", (d) => {
        file(`${d}/etc/passwd`, "root:x:0:0\n");
        file(`${d}/etc/hosts`, "127.0.0.1 base\n");
        file(`${d}/bin/busybox`, "#!busybox", 0o755);
        symlinkSync("busybox", `${d}/bin/sh`);
        linkSync(`${d}/bin/busybox`, `${d}/bin/ls`);
        file(`${d}/usr/bin/passwd`, "setuid", 0o4755);
        file(`${d}/var/lib/dpkg/status`, "installed\n");
        file(`${d}/var/lib/dpkg/info/base.list`, "/bin\n");
        file(`${d}/opt/app/old1`, "old1");
        file(`${d}/opt/app/sub/old2`, "old2");
        file(`${d}/home/user/.profile`, "profile", 0o600, 1000, 1000);
        chownSync(`${d}/home/user`, 1000, 1000);
        chmodSync(`${d}/home/user`, 0o700);
        mkdirSync(`${d}/tmp`);
        chmodSync(`${d}/tmp`, 0o1777);
      }),
      layerTar("delete", (d) => {
        file(`${d}/etc/.wh.hosts`, "");
        file(`${d}/etc/passwd`, "root:x:0:0\nuser:x:1000:1000\n");
        file(`${d}/var/lib/dpkg/.wh.info`, "");
        file(`${d}/opt/app/.wh..wh..opq`, "");
        file(`${d}/opt/app/new1`, "new1");
        file(`${d}/bin/.wh.ls`, "");
        file(`${d}/added-then-deleted`, "short-lived");
      }),
      layerTar("top", (d) => {
        file(`${d}/etc/hosts`, "127.0.0.1 top\n");
        file(`${d}/opt/app/new2`, "new2", 0o640, 0, 50);
        file(`${d}/.wh.added-then-deleted`, "");
        file(`${d}/home/user/.bashrc`, "bashrc", 0o644, 1000, 1000);
        chownSync(`${d}/home/user`, 1000, 1000);
        chmodSync(`${d}/home/user`, 0o700);
      }),
    );
    chains = chainIds(layers.map(sha256File));
  });

  test("each layer is applied once into a snapshot keyed by its chain ID", async () => {
    let fills = 0;
    for (const [i, blob] of layers.entries()) {
      const chainId = chains[i] as string;
      const parent = i === 0 ? null : (chains[i - 1] as string);
      const fill = async (dir: string): Promise<{ size: number }> => {
        fills++;
        const result = await applyLayer(blob, dir);
        assert.equal(result.diffId, sha256File(blob));
        return { size: result.size };
      };
      // Two concurrent creates of one chain ID share a single fill.
      const [a, b] = await Promise.all([
        snapshots.create(chainId, parent, fill),
        snapshots.create(chainId, parent, fill),
      ]);
      assert.deepEqual(a, b);
      assert.equal(a.parent, parent);
      assert.ok(a.path.startsWith(join(tmp, "overlay")));
      assert.ok(!a.path.includes(chainId.slice(7, 19)), "directory names are not chain IDs");
    }
    assert.equal(fills, 3);
    assert.deepEqual(
      snapshots.list().map((s) => s.chainId),
      [...chains].sort(),
    );
    const top = chains[2] as string;
    assert.deepEqual(
      snapshots.lowerDirs(top),
      [...chains].reverse().map((c) => snapshots.get(c)?.path),
    );
    assert.deepEqual(snapshots.lowerDirs("sha256:unknown"), []);
    // An image sharing the base layer gets the existing snapshot without unpacking again.
    const again = await snapshots.create(chains[0] as string, null, () => assert.fail("must not refill"));
    assert.equal(again.path, snapshots.get(chains[0] as string)?.path);
    const usage = snapshots.usage();
    assert.equal(usage.count, 3);
    assert.equal(
      usage.size,
      snapshots.list().reduce((n, s) => n + s.size, 0),
    );
    assert.ok(usage.size > 0);
  });

  test("the read-only overlay of the stack shows the merged image", async () => {
    const merged = join(tmp, "merged");
    mkdirSync(merged);
    await mountOverlay({ lowerDirs: snapshots.lowerDirs(chains[2] as string), target: merged });
    mounted.push(merged);
    try {
      const read = (p: string): string => readFileSync(join(merged, p), "utf8");
      const stat = (p: string) => lstatSync(join(merged, p));
      assert.equal(read("etc/passwd"), "root:x:0:0\nuser:x:1000:1000\n"); // modified in layer 2
      assert.equal(read("etc/hosts"), "127.0.0.1 top\n"); // deleted in 2, re-added in 3
      assert.equal(existsSync(join(merged, "bin/ls")), false); // deleted hardlink
      assert.equal(read("bin/busybox"), "#!busybox");
      assert.equal(readlinkSync(join(merged, "bin/sh")), "busybox");
      assert.equal(read("bin/sh"), "#!busybox");
      assert.equal(stat("usr/bin/passwd").mode & 0o7777, 0o4755);
      assert.equal(read("var/lib/dpkg/status"), "installed\n");
      assert.equal(existsSync(join(merged, "var/lib/dpkg/info")), false); // deleted directory
      // Opaque in layer 2: the base layer's children are hidden, later additions are not.
      assert.deepEqual(readdirSync(join(merged, "opt/app")).sort(), ["new1", "new2"]);
      const new2 = stat("opt/app/new2");
      assert.deepEqual([new2.mode & 0o7777, new2.gid], [0o640, 50]);
      assert.equal(existsSync(join(merged, "added-then-deleted")), false);
      const home = stat("home/user");
      assert.deepEqual([home.uid, home.gid, home.mode & 0o7777], [1000, 1000, 0o700]);
      assert.deepEqual(readdirSync(join(merged, "home/user")).sort(), [".bashrc", ".profile"]);
      assert.equal(stat("home/user/.profile").uid, 1000);
      assert.equal(stat("tmp").mode & 0o7777, 0o1777);
      assert.equal(stat(".").mode & 0o777, 0o755);
      // No whiteout or marker shows through.
      const names = execFileSync("find", [merged]).toString();
      assert.doesNotMatch(names, /\.wh\./);
      assert.throws(() => writeFileSync(join(merged, "x"), ""), { code: "EROFS" });
    } finally {
      await unmount(merged);
      mounted.splice(mounted.indexOf(merged), 1);
    }
    assert.deepEqual(readdirSync(merged), []);
  });

  test("a writable overlay writes to its upper dir only", async () => {
    const upper = join(tmp, "rw", "upper");
    const work = join(tmp, "rw", "work");
    const target = join(tmp, "rw", "merged");
    for (const d of [upper, work, target]) mkdirSync(d, { recursive: true });
    await mountOverlay({
      lowerDirs: snapshots.lowerDirs(chains[1] as string),
      upperDir: upper,
      workDir: work,
      target,
    });
    mounted.push(target);
    try {
      writeFileSync(join(target, "etc/passwd"), "changed");
      rmSync(join(target, "opt/app/new1"));
    } finally {
      await unmount(target);
      mounted.splice(mounted.indexOf(target), 1);
    }
    assert.equal(readFileSync(join(upper, "etc/passwd"), "utf8"), "changed");
    assert.ok(lstatSync(join(upper, "opt/app/new1")).isCharacterDevice()); // a kernel-made whiteout
    assert.equal(
      readFileSync(join(snapshots.get(chains[1] as string)?.path ?? "", "etc/passwd"), "utf8"),
      "root:x:0:0\nuser:x:1000:1000\n",
    );
  });

  test("a snapshot with children cannot be removed; the top one can", async () => {
    await assert.rejects(
      snapshots.remove(chains[1] as string),
      (err) => isEngineError(err) && err.category === "conflict",
    );
    const top = snapshots.get(chains[2] as string);
    await snapshots.remove(chains[2] as string);
    assert.equal(snapshots.has(chains[2] as string), false);
    assert.equal(existsSync(join(top?.path ?? "", "..")), false);
    await snapshots.remove(chains[2] as string); // removing what is gone is a no-op
  });
});

describe("failures and crash recovery", () => {
  test("a failed fill leaves no directory and no row", async () => {
    const before = readdirSync(snapshots.root).sort();
    await assert.rejects(
      snapshots.create("sha256:failing", null, async (dir) => {
        writeFileSync(join(dir, "partial"), "x");
        throw new Error("unpack failed");
      }),
      /unpack failed/,
    );
    assert.equal(snapshots.has("sha256:failing"), false);
    assert.deepEqual(readdirSync(snapshots.root).sort(), before);
  });

  test("a missing parent is refused", async () => {
    await assert.rejects(
      snapshots.create("sha256:child", "sha256:no-such-parent", async () => ({ size: 0 })),
      (err) => isEngineError(err) && err.code === "SNAPSHOT_PARENT_MISSING",
    );
  });

  test("a parent being built on cannot be removed meanwhile", async () => {
    const base = await snapshots.create("sha256:p", null, async () => ({ size: 1 }));
    let release = (): void => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const child = snapshots.create("sha256:c", base.chainId, async () => {
      await gate;
      return { size: 2 };
    });
    await assert.rejects(
      snapshots.remove(base.chainId),
      (err) => isEngineError(err) && err.code === "SNAPSHOT_IN_USE",
    );
    // Start-up reconcile run concurrently leaves the in-progress tmp dir alone.
    await snapshots.removeTemporary();
    release();
    assert.equal((await child).parent, base.chainId);
    await snapshots.remove("sha256:c");
    await snapshots.remove(base.chainId);
  });

  test("removeTemporary clears what a crash leaves", async () => {
    const a = await snapshots.create("sha256:a", null, async () => ({ size: 1 }));
    const b = await snapshots.create("sha256:b", "sha256:a", async () => ({ size: 1 }));
    const keep = await snapshots.create("sha256:keep", null, async () => ({ size: 1 }));
    mkdirSync(join(snapshots.root, "tmp-crashed/fs"), { recursive: true }); // crash during fill
    mkdirSync(join(snapshots.root, "0123456789ab/fs"), { recursive: true }); // crash before the row
    rmSync(join(a.path, ".."), { recursive: true }); // a row whose directory vanished
    const report = await snapshots.removeTemporary();
    assert.deepEqual(report.removedDirs.sort(), ["0123456789ab", "tmp-crashed"]);
    assert.deepEqual(report.removedSnapshots.sort(), ["sha256:a", "sha256:b"]); // b sat on a
    assert.equal(existsSync(join(b.path, "..")), false);
    assert.equal(snapshots.has("sha256:keep"), true);
    assert.ok(existsSync(keep.path));
    assert.deepEqual(await snapshots.removeTemporary(), { removedDirs: [], removedSnapshots: [], stale: [] });
    await snapshots.remove("sha256:keep");
  });

  test("a scratch directory filled beforehand becomes the snapshot, once", async () => {
    const scratch = snapshots.scratch();
    writeFileSync(join(scratch.path, "f"), "x");
    await snapshots.removeTemporary(); // start-up reconcile leaves a live scratch alone
    const made = await snapshots.adopt("sha256:adopted", null, scratch, 1);
    assert.equal(readFileSync(join(made.path, "f"), "utf8"), "x");
    const again = snapshots.scratch();
    const same = await snapshots.adopt("sha256:adopted", null, again, 1);
    assert.equal(same.path, made.path);
    assert.equal(existsSync(again.path), false, "a scratch for an existing snapshot is discarded");
    await assert.rejects(snapshots.adopt("sha256:other", null, again, 1), /gone/);
    const dropped = snapshots.scratch();
    await dropped.discard();
    assert.equal(existsSync(join(dropped.path, "..")), false);
    await snapshots.remove("sha256:adopted");
  });

  test("a held flush starts only when released, and covers what was made meanwhile", async () => {
    const release = snapshots.holdFlushes();
    const releaseToo = snapshots.holdFlushes();
    const made = await snapshots.create("sha256:held", null, async () => ({ size: 1 }));
    const unflushed = (): unknown =>
      db.prepare("SELECT unflushed_boot FROM snapshots WHERE chain_id = ?").get(made.chainId);
    await snapshots.flushed(); // nothing running: the request waits for the holds
    assert.notDeepEqual(unflushed(), { unflushed_boot: null });
    release();
    release(); // a second call of one release does not drop the other hold
    await snapshots.flushed();
    assert.notDeepEqual(unflushed(), { unflushed_boot: null });
    releaseToo();
    await snapshots.flushed();
    assert.deepEqual(unflushed(), { unflushed_boot: null });
    await snapshots.remove(made.chainId);
  });

  test("new snapshots are flushed in the background; earlier boots' unflushed ones are stale", async () => {
    const made = await snapshots.create("sha256:fresh", null, async () => ({ size: 1 }));
    const unflushed = (): unknown =>
      db.prepare("SELECT unflushed_boot FROM snapshots WHERE chain_id = ?").get(made.chainId);
    await snapshots.flushed();
    assert.deepEqual(unflushed(), { unflushed_boot: null });
    // A row left unflushed by a crash in this boot is flushed at start-up, not reported.
    const bootId = readFileSync("/proc/sys/kernel/random/boot_id", "utf8").trim();
    db.prepare("UPDATE snapshots SET unflushed_boot = ? WHERE chain_id = ?").run(bootId, made.chainId);
    assert.deepEqual((await snapshots.removeTemporary()).stale, []);
    assert.deepEqual(unflushed(), { unflushed_boot: null });
    // One from another boot may have lost its files: reported, and rebuilt on request.
    db.prepare("UPDATE snapshots SET unflushed_boot = 'another-boot' WHERE chain_id = ?").run(made.chainId);
    assert.deepEqual((await snapshots.removeTemporary()).stale, [made.chainId]);
    await snapshots.rebuild(made.chainId, async (dir) => {
      writeFileSync(join(dir, "g"), "yz");
      return { size: 2 };
    });
    const rebuilt = snapshots.get(made.chainId);
    assert.equal(rebuilt?.size, 2);
    assert.equal(readFileSync(join(rebuilt?.path ?? "", "g"), "utf8"), "yz");
    assert.equal(existsSync(made.path), false, "the old directory is removed");
    assert.deepEqual(unflushed(), { unflushed_boot: null });
    await snapshots.remove(made.chainId);
  });

  test("rows survive reopening the database", () => {
    const reopened = new OverlaySnapshotter({ root: snapshots.root, db, durable: false });
    assert.deepEqual(reopened.list(), snapshots.list());
  });
});

import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import {
  findNativeAddon,
  lgetxattr,
  llistxattr,
  lsetxattr,
  mknod,
  S_IFBLK,
  S_IFCHR,
  S_IFIFO,
  nativeMounts,
  syncfs,
} from "./native.ts";

let dir = "";
before(() => {
  dir = mkdtempSync(join(tmpdir(), "berth-native-"));
});
after(() => rmSync(dir, { recursive: true, force: true }));

test("findNativeAddon finds the built addon from this folder", () => {
  const path = findNativeAddon();
  assert.ok(path?.endsWith("build/Release/berth_native.node"));
  assert.equal(findNativeAddon("/"), undefined);
});

test("mknod makes character and block devices and fifos", () => {
  mknod(join(dir, "null"), S_IFCHR | 0o666, 1, 3);
  mknod(join(dir, "loop"), S_IFBLK | 0o600, 7, 0);
  mknod(join(dir, "fifo"), S_IFIFO | 0o644, 0, 0);
  const chr = statSync(join(dir, "null"));
  assert.ok(chr.isCharacterDevice());
  assert.equal(chr.rdev, (1 << 8) | 3);
  const blk = statSync(join(dir, "loop"));
  assert.ok(blk.isBlockDevice());
  assert.equal(blk.rdev, 7 << 8);
  assert.ok(statSync(join(dir, "fifo")).isFIFO());
});

test("mknod throws Node-style errors with errno code", () => {
  assert.throws(() => mknod(join(dir, "null"), S_IFCHR, 0, 0), {
    code: "EEXIST",
    errno: -17,
    syscall: "mknod",
    path: join(dir, "null"),
  });
  assert.throws(() => mknod(join(dir, "missing", "x"), S_IFIFO, 0, 0), { code: "ENOENT" });
});

test("xattrs: set, get, list, missing, binary values, symlinks not followed", () => {
  const file = join(dir, "file");
  writeFileSync(file, "x");
  const value = Buffer.from([0, 1, 2, 255]);
  lsetxattr(file, "user.berth", value);
  lsetxattr(file, "trusted.berth", Buffer.from("y"));
  lsetxattr(file, "user.empty", Buffer.alloc(0));
  assert.deepEqual(lgetxattr(file, "user.berth"), value);
  assert.deepEqual(lgetxattr(file, "user.empty"), Buffer.alloc(0));
  assert.equal(lgetxattr(file, "user.nope"), null);
  assert.deepEqual(llistxattr(file).sort(), ["trusted.berth", "user.berth", "user.empty"]);

  const link = join(dir, "link");
  symlinkSync(file, link);
  lsetxattr(link, "trusted.onlink", Buffer.from("1"));
  assert.equal(lgetxattr(file, "trusted.onlink"), null);
  assert.deepEqual(lgetxattr(link, "trusted.onlink"), Buffer.from("1"));
  assert.deepEqual(llistxattr(link), ["trusted.onlink"]);
  assert.throws(() => llistxattr(join(dir, "missing")), { code: "ENOENT", syscall: "llistxattr" });
});

test("argument checks throw TypeErrors instead of crashing", () => {
  const call = (f: unknown, ...args: unknown[]): unknown => (f as (...a: unknown[]) => unknown)(...args);
  assert.throws(() => call(lsetxattr, join(dir, "file"), "user.x", "not a buffer"), TypeError);
  assert.throws(() => call(mknod, 42, 0, 0, 0), TypeError);
  assert.throws(() => call(lgetxattr, "a\0b", "user.x"), TypeError);
});

test("syncfs flushes the filesystem of a path", () => {
  syncfs(dir);
  assert.throws(() => syncfs(join(dir, "missing")), { code: "ENOENT" });
});

test("mountFs mounts with mount(2) and umount detaches, with Node-style errors", () => {
  const sys = nativeMounts();
  assert.ok(sys, "this addon build has mountFs and umount");
  const target = join(dir, "mnt");
  mkdirSync(target);
  sys.mountFs("tmpfs", target, "tmpfs", "size=1m,mode=700");
  try {
    assert.notEqual(statSync(target).dev, statSync(dir).dev, "a file system of its own");
    assert.equal(statSync(target).mode & 0o777, 0o700);
  } finally {
    sys.umount(target, true);
  }
  assert.equal(statSync(target).dev, statSync(dir).dev);
  assert.throws(() => sys.umount(target, false), { code: "EINVAL", syscall: "umount2" });
  assert.throws(() => sys.mountFs("tmpfs", join(dir, "missing"), "tmpfs", ""), {
    code: "ENOENT",
    syscall: "mount",
  });
});

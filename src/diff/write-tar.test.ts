import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { lstatSync, readFileSync, readlinkSync, writeFileSync, mkdirSync, createReadStream } from "node:fs";
import { buffer } from "node:stream/consumers";
import { after, test } from "node:test";
import { isEngineError, lgetxattr } from "../lib/index.ts";
import { readTar } from "./read-tar.ts";
import { tempDir } from "./test-tar.ts";
import type { TarWriteEntry } from "./write-tar.ts";
import { writeTar } from "./write-tar.ts";

const tmp = tempDir("berth-write-tar-");
after(() => tmp.remove());

const LONG = `d/${"x".repeat(120)}/${"y".repeat(60)}.txt`; // fits ustar's prefix + name split
const LONGER = `d/${"z".repeat(200)}/${"w".repeat(100)}`; // needs PAX
const BIG = Buffer.alloc(300 * 1024 + 7, "b");

function entries(): TarWriteEntry[] {
  writeFileSync(tmp.join("big.bin"), BIG);
  return [
    { type: "directory", name: "d", mode: 0o750, uid: 1, gid: 2, mtime: 1700000000 },
    { type: "file", name: "d/a.txt", data: "hello\n", mode: 0o4755, mtime: new Date(1700000000500) },
    { type: "file", name: "d/big.bin", path: tmp.join("big.bin"), size: BIG.length },
    { type: "symlink", name: "d/l", target: "a.txt" },
    { type: "hardlink", name: "d/h", target: "d/a.txt" },
    { type: "file", name: LONG, data: "long" },
    { type: "file", name: LONGER, data: "longer", uid: 2 ** 22 },
    { type: "file", name: "d/héllo.txt", data: "utf8" },
    { type: "symlink", name: "d/far", target: "../".repeat(40) + "t" },
    { type: "file", name: "d/x", data: "", xattrs: new Map([["user.bin", Buffer.from([0, 1, 0xff, 0x0a])]]) },
    { type: "char-device", name: "d/null", major: 1, minor: 3, mode: 0o666 },
    { type: "fifo", name: "d/fifo" },
  ];
}

test("GNU tar lists and extracts what writeTar wrote", async () => {
  const archive = tmp.join("out.tar");
  writeFileSync(archive, await buffer(writeTar(entries())));
  const listed = execFileSync("tar", ["-tf", archive]).toString().trim().split("\n");
  assert.deepEqual(listed, [
    "d/",
    "d/a.txt",
    "d/big.bin",
    "d/l",
    "d/h",
    LONG,
    LONGER,
    "d/héllo.txt",
    "d/far",
    "d/x",
    "d/null",
    "d/fifo",
  ]);
  const out = tmp.join("extracted");
  mkdirSync(out);
  execFileSync("tar", ["--xattrs", "--xattrs-include=user.*", "-xf", archive, "-C", out]);
  assert.equal(readFileSync(`${out}/d/a.txt`, "utf8"), "hello\n");
  assert.equal(lstatSync(`${out}/d/a.txt`).mode & 0o7777, 0o4755);
  assert.deepEqual(readFileSync(`${out}/d/big.bin`), BIG);
  assert.equal(readlinkSync(`${out}/d/l`), "a.txt");
  assert.equal(lstatSync(`${out}/d/h`).ino, lstatSync(`${out}/d/a.txt`).ino);
  assert.equal(readFileSync(`${out}/${LONG}`, "utf8"), "long");
  assert.equal(readFileSync(`${out}/${LONGER}`, "utf8"), "longer");
  assert.equal(lstatSync(`${out}/${LONGER}`).uid, 2 ** 22);
  assert.equal(readFileSync(`${out}/d/héllo.txt`, "utf8"), "utf8");
  assert.ok(lstatSync(`${out}/d/null`).isCharacterDevice());
  assert.ok(lstatSync(`${out}/d/fifo`).isFIFO());
  const dir = lstatSync(`${out}/d`);
  assert.equal(dir.mode & 0o7777, 0o750);
  assert.equal(dir.mtimeMs, 1700000000000);
  assert.equal(lstatSync(`${out}/d/a.txt`).mtimeMs, 1700000000500);
  assert.deepEqual(lgetxattr(`${out}/d/x`, "user.bin"), Buffer.from([0, 1, 0xff, 0x0a]));
});

test("readTar reads back every field writeTar wrote", async () => {
  const archive = tmp.join("roundtrip.tar");
  writeFileSync(archive, await buffer(writeTar(entries())));
  const read = [];
  for await (const entry of readTar(createReadStream(archive)))
    read.push({ ...entry.header, body: await entry.buffer() });
  assert.equal(read.length, 12);
  assert.equal(read[0]?.name, "d/");
  assert.equal(read[0]?.uid, 1);
  assert.equal(read[0]?.gid, 2);
  assert.equal(read[1]?.mtime, 1700000000.5);
  assert.deepEqual(read[2]?.body, BIG);
  assert.equal(read[6]?.name, LONGER);
  assert.equal(read[6]?.uid, 2 ** 22);
  assert.equal(read[8]?.linkname, "../".repeat(40) + "t");
  assert.deepEqual(read[9]?.xattrs?.get("user.bin"), Buffer.from([0, 1, 0xff, 0x0a]));
  assert.equal(read[10]?.devmajor, 1);
  assert.equal(read[10]?.devminor, 3);
});

test("a file that does not have the announced size is an error", async () => {
  writeFileSync(tmp.join("short"), "abc");
  const stream = writeTar([{ type: "file", name: "short", path: tmp.join("short"), size: 10 }]);
  await assert.rejects(buffer(stream), (err) => isEngineError(err) && err.code === "FILE_CHANGED");
});

test("names with NUL bytes are refused", async () => {
  await assert.rejects(buffer(writeTar([{ type: "file", name: "a\0b", data: "" }])), /NUL/);
});

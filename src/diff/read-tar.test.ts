import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import {
  createReadStream,
  mkdirSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
  linkSync,
  chmodSync,
} from "node:fs";
import { after, before, describe, test } from "node:test";
import { isEngineError, mknod, S_IFCHR, lsetxattr } from "../lib/index.ts";
import { readTar } from "./read-tar.ts";
import type { TarHeader } from "./tar-header.ts";
import { pyTar, tempDir } from "./test-tar.ts";

const tmp = tempDir("berth-read-tar-");
after(() => tmp.remove());

interface Read {
  header: TarHeader;
  body: string;
}

async function readAll(source: AsyncIterable<Buffer>): Promise<Read[]> {
  const out: Read[] = [];
  for await (const entry of readTar(source))
    out.push({ header: entry.header, body: (await entry.buffer()).toString() });
  return out;
}

const readFile = (path: string, highWaterMark = 64 * 1024): Promise<Read[]> =>
  readAll(createReadStream(path, { highWaterMark }));

async function* chunks(data: Buffer, size: number): AsyncGenerator<Buffer> {
  for (let off = 0; off < data.length; off += size) yield data.subarray(off, off + size);
}

const isInvalidArchive = (err: unknown): boolean => isEngineError(err) && err.code === "INVALID_ARCHIVE";

const LONG_DIR = "d".repeat(60) + "/" + "e".repeat(60);
const LONG_NAME = `${LONG_DIR}/${"f".repeat(90)}.txt`; // > 100 bytes, and > 255 with the root
const LONG_TARGET = "../".repeat(2) + "t".repeat(120);

describe("archives written by GNU tar", () => {
  const src = tmp.join("src");
  before(() => {
    mkdirSync(`${src}/dir/${LONG_DIR}`, { recursive: true });
    writeFileSync(`${src}/dir/file`, "hello\n");
    chmodSync(`${src}/dir/file`, 0o4755);
    writeFileSync(`${src}/dir/${LONG_NAME}`, "long\n");
    symlinkSync(LONG_TARGET, `${src}/dir/longlink`);
    symlinkSync("file", `${src}/dir/link`);
    linkSync(`${src}/dir/file`, `${src}/dir/hard`);
    mknod(`${src}/dir/null`, S_IFCHR | 0o666, 1, 3);
    execFileSync("mkfifo", [`${src}/dir/fifo`]);
    lsetxattr(`${src}/dir/file`, "user.berth", Buffer.from("xattr value"));
  });

  for (const format of ["posix", "gnu", "ustar", "v7"] as const) {
    test(`--format=${format}`, async () => {
      const archive = tmp.join(`gnu-${format}.tar`);
      const long = format === "posix" || format === "gnu";
      // ustar cannot hold the long symlink target and v7 no devices or long names: leave them out.
      const members = long
        ? ["dir"]
        : ["dir/file", "dir/link", "dir/hard", ...(format === "ustar" ? ["dir/null", "dir/fifo"] : [])];
      execFileSync("tar", [
        `--format=${format}`,
        ...(format === "posix" ? ["--xattrs", "--xattrs-include=user.*"] : []),
        "--owner=1234",
        "--group=5678",
        "--mtime=@1700000000",
        "-C",
        src,
        "-cf",
        archive,
        ...members,
      ]);
      const byName = new Map((await readFile(archive)).map((e) => [e.header.name.replace(/\/$/, ""), e]));
      const file = byName.get("dir/file");
      assert.ok(file);
      assert.equal(file.header.type, "file");
      assert.equal(file.body, "hello\n");
      assert.equal(file.header.mode, 0o4755);
      assert.equal(file.header.uid, 1234);
      assert.equal(file.header.gid, 5678);
      assert.equal(Math.floor(file.header.mtime), 1700000000);
      assert.equal(byName.get("dir/link")?.header.type, "symlink");
      assert.equal(byName.get("dir/link")?.header.linkname, "file");
      assert.equal(byName.get("dir/hard")?.header.type, "hardlink");
      assert.equal(byName.get("dir/hard")?.header.linkname, "dir/file");
      assert.equal(byName.get("dir/hard")?.header.size, 0);
      if (format !== "v7") {
        const dev = byName.get("dir/null")?.header;
        assert.equal(dev?.type, "char-device");
        assert.equal(dev?.devmajor, 1);
        assert.equal(dev?.devminor, 3);
        assert.equal(byName.get("dir/fifo")?.header.type, "fifo");
      }
      if (long) {
        assert.equal(byName.get(`dir/${LONG_NAME}`)?.body, "long\n");
        assert.equal(byName.get("dir/longlink")?.header.linkname, LONG_TARGET);
        assert.equal(byName.get(`dir/${LONG_DIR}`)?.header.type, "directory");
      }
      if (format === "posix") {
        assert.deepEqual(file.header.xattrs?.get("user.berth"), Buffer.from("xattr value"));
      }
    });
  }

  test("any chunking of the input gives the same entries", async () => {
    const archive = tmp.join("chunking.tar");
    execFileSync("tar", ["--format=posix", "-C", src, "-cf", archive, "dir"]);
    const data = readFileSync(archive);
    const expected = await readAll(chunks(data, data.length));
    assert.ok(expected.length >= 9);
    for (const size of [1, 100, 511, 512, 513, 1000, 4096]) {
      assert.deepEqual(await readAll(chunks(data, size)), expected, `chunk size ${size}`);
    }
  });
});

describe("archives written by python tarfile", () => {
  test("PAX records: path, linkpath, size, uid, gid, fractional mtime, xattrs, global header", async () => {
    const archive = pyTar(
      tmp.join("pax.tar"),
      [
        {
          name: "short",
          data: "abc",
          pax: { path: "renamed/by/pax", mtime: "1700000000.123456789", uid: "70000" },
        },
        { name: "l", type: "symlink", linkname: "x", pax: { linkpath: "target/by/pax" } },
        { name: "x", data: "x", pax: { "SCHILY.xattr.user.a": "1", "SCHILY.xattr.security.b": "2" } },
        { name: "g", data: "" },
      ],
      { globalPax: { uname: "everyone", gid: "4242" } },
    );
    const entries = await readFile(archive);
    assert.deepEqual(
      entries.map((e) => e.header.name),
      ["renamed/by/pax", "l", "x", "g"],
    );
    const [first, link, withXattrs, plain] = entries;
    assert.equal(first?.body, "abc");
    assert.equal(first?.header.mtime, 1700000000.123456789);
    assert.equal(first?.header.uid, 70000);
    assert.equal(link?.header.linkname, "target/by/pax");
    assert.deepEqual(
      [...(withXattrs?.header.xattrs ?? [])].map(([k, v]) => [k, v.toString()]),
      [
        ["user.a", "1"],
        ["security.b", "2"],
      ],
    );
    // The global header applies to every entry that follows it.
    assert.equal(plain?.header.uname, "everyone");
    assert.equal(plain?.header.gid, 4242);
  });

  test("base-256 numbers (GNU): huge uid, negative mtime", async () => {
    const archive = pyTar(
      tmp.join("b256.tar"),
      [{ name: "f", data: "z", uid: 2 ** 33, gid: 3, mtime: -1000 }],
      {
        format: "gnu",
      },
    );
    const [entry] = await readFile(archive);
    assert.equal(entry?.header.uid, 2 ** 33);
    assert.equal(entry?.header.gid, 3);
    assert.equal(entry?.header.mtime, -1000);
  });

  test("unknown types are reported with their typeflag and their body can be skipped", async () => {
    const archive = pyTar(tmp.join("raw.tar"), [
      { name: "weird", type: "raw", typeflag: "Z", data: "data" },
      { name: "after", data: "ok" },
    ]);
    const entries = await readFile(archive);
    assert.equal(entries[0]?.header.type, "unknown");
    assert.equal(entries[0]?.header.typeflag, "Z");
    assert.equal(entries[1]?.body, "ok");
  });
});

describe("reader contract", () => {
  const archive = tmp.join("contract.tar");
  before(() =>
    pyTar(archive, [
      { name: "a", data: "A".repeat(3000) },
      { name: "b", data: "B".repeat(10) },
      { name: "c", type: "dir" },
    ]),
  );

  test("unread bodies are skipped", async () => {
    const names: string[] = [];
    for await (const entry of readTar(createReadStream(archive, { highWaterMark: 700 })))
      names.push(entry.header.name);
    assert.deepEqual(names, ["a", "b", "c/"]);
  });

  test("a body read after advancing throws", async () => {
    const seen = [];
    for await (const entry of readTar(createReadStream(archive))) seen.push(entry);
    await assert.rejects(seen[0]?.buffer() ?? Promise.resolve(), isInvalidArchive);
  });

  test("breaking out of the loop closes the source", async () => {
    const stream = createReadStream(archive, { highWaterMark: 512 });
    for await (const entry of readTar(stream)) {
      assert.equal(entry.header.name, "a");
      break;
    }
    assert.equal(stream.destroyed, true);
  });

  test("an empty stream is an empty archive", async () => {
    assert.deepEqual(await readAll(chunks(Buffer.alloc(0), 1)), []);
  });
});

describe("damaged archives", () => {
  const archive = tmp.join("good.tar");
  let data = Buffer.alloc(0);
  before(() => {
    pyTar(archive, [
      { name: "one", data: "1".repeat(2000) },
      { name: "two", data: "2" },
    ]);
    data = readFileSync(archive);
  });

  test("checksum mismatch", async () => {
    const bad = Buffer.from(data);
    bad[10] = 0x41; // inside the first name field
    await assert.rejects(readAll(chunks(bad, 4096)), /checksum/);
  });

  test("truncated inside a body, a header, or the padding", async () => {
    for (const length of [512 + 1000, 512 + 2000 + 10, 512 * 5 + 100]) {
      await assert.rejects(
        readAll(chunks(data.subarray(0, length), 4096)),
        isInvalidArchive,
        `length ${length}`,
      );
    }
  });

  test("a zero block followed by a header", async () => {
    const bad = Buffer.concat([data.subarray(0, 512 * 5), Buffer.alloc(512), data.subarray(512 * 5)]);
    await assert.rejects(readAll(chunks(bad, 4096)), /zero block/);
  });

  test("garbage that is not tar", async () => {
    await assert.rejects(readAll(chunks(Buffer.alloc(2048, 0x61), 4096)), isInvalidArchive);
  });

  test("GNU sparse files are refused", async () => {
    const sparse = tmp.join("sparse");
    execFileSync("truncate", ["-s", "10M", sparse]);
    writeFileSync(sparse, "x", { flag: "r+" });
    const out = tmp.join("sparse.tar");
    execFileSync("tar", ["--format=gnu", "--sparse", "-C", tmp.path, "-cf", out, "sparse"]);
    await assert.rejects(readFile(out), /sparse/);
  });
});

import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { after, before, describe, it } from "node:test";
import { isEngineError } from "../lib/index.ts";
import { ContentStore } from "./content-store.ts";

const sha256 = (b: Uint8Array | string): string => "sha256:" + createHash("sha256").update(b).digest("hex");

let base: string;
let n = 0;
before(async () => {
  base = await mkdtemp(join(tmpdir(), "berth-content-"));
});
after(async () => {
  await rm(base, { recursive: true, force: true });
});
/** A fresh store in its own directory. */
function newStore(): ContentStore {
  return new ContentStore({ root: join(base, `store-${n++}`) });
}

async function* chunks(...parts: (string | Uint8Array)[]): AsyncGenerator<Uint8Array> {
  for (const p of parts) {
    await new Promise((r) => setImmediate(r));
    yield typeof p === "string" ? Buffer.from(p) : p;
  }
}

function rejectsWith(code: string, pattern?: RegExp): (err: unknown) => boolean {
  return (err: unknown) => {
    assert.ok(isEngineError(err), `expected an EngineError, got ${String(err)}`);
    assert.equal(err.code, code);
    if (pattern) assert.match(err.message, pattern);
    return true;
  };
}

async function ingestEntries(store: ContentStore): Promise<string[]> {
  return readdir(join(store.root, "ingest")).catch(() => []);
}

async function listAll(store: ContentStore): Promise<string[]> {
  const out: string[] = [];
  for await (const d of store.list()) out.push(d);
  return out.sort();
}

/** Every blob's bytes hash to its name: the store's one invariant. */
async function assertIntact(store: ContentStore): Promise<void> {
  for await (const digest of store.list()) {
    assert.equal(sha256(await readFile(store.path(digest))), digest, `blob ${digest} has wrong content`);
  }
}

describe("ContentStore: writing", () => {
  it("ingests a stream, verifying digest and size", async () => {
    const store = newStore();
    const data = "hello, blob";
    const info = await store.ingest(chunks("hello, ", "blob"), { digest: sha256(data), size: data.length });
    assert.deepEqual(info, { digest: sha256(data), size: data.length });
    assert.equal(await store.has(info.digest), true);
    assert.equal(await store.stat(info.digest), data.length);
    assert.equal(store.path(info.digest), join(store.root, "blobs", "sha256", info.digest.slice(7)));
    assert.equal(await readFile(store.path(info.digest), "utf8"), data);
    assert.deepEqual(await listAll(store), [info.digest]);
    assert.deepEqual(await ingestEntries(store), []);
  });

  it("ingests a Readable without expectations and reports what it got", async () => {
    const store = newStore();
    const data = Buffer.alloc(3 << 20, 7); // several chunks
    const info = await store.ingest(Readable.from([data.subarray(0, 1000), data.subarray(1000)]));
    assert.deepEqual(info, { digest: sha256(data), size: data.length });
    assert.ok((await readFile(store.path(info.digest))).equals(data));
  });

  it("stores the empty blob", async () => {
    const store = newStore();
    const info = await store.ingest(chunks(), { size: 0 });
    assert.deepEqual(info, { digest: sha256(""), size: 0 });
    assert.equal(await store.stat(info.digest), 0);
  });

  it("writeBuffer checks the digest and is a no-op for a stored blob", async () => {
    const store = newStore();
    const buf = Buffer.from('{"a":1}');
    const first = await store.writeBuffer(buf, sha256(buf));
    const before = await stat(store.path(first.digest));
    assert.deepEqual(await store.writeBuffer(buf), first);
    assert.deepEqual(await store.ingest(chunks(buf), { digest: first.digest }), first);
    const afterStat = await stat(store.path(first.digest));
    assert.equal(afterStat.ino, before.ino, "the stored file was not replaced by writeBuffer");
    await assert.rejects(store.writeBuffer(buf, sha256("other")), rejectsWith("DIGEST_MISMATCH"));
    assert.deepEqual(await ingestEntries(store), []);
  });

  it("refuses content that does not match its digest, leaving nothing behind", async () => {
    const store = newStore();
    const claimed = sha256("the real thing");
    await assert.rejects(
      store.ingest(chunks("an impostor"), { digest: claimed }),
      rejectsWith("DIGEST_MISMATCH", new RegExp(`expected ${claimed}, got ${sha256("an impostor")}`)),
    );
    assert.equal(await store.has(claimed), false);
    assert.equal(await store.has(sha256("an impostor")), false);
    assert.deepEqual(await listAll(store), []);
    assert.deepEqual(await ingestEntries(store), []);
  });

  it("refuses a short stream at commit", async () => {
    const store = newStore();
    await assert.rejects(
      store.ingest(chunks("12345"), { digest: sha256("1234567"), size: 7 }),
      rejectsWith("SIZE_MISMATCH", /expected 7 bytes, got 5/),
    );
    assert.deepEqual(await listAll(store), []);
    assert.deepEqual(await ingestEntries(store), []);
  });

  it("stops a long stream at the first byte over the expected size", async () => {
    const store = newStore();
    let pulled = 0;
    async function* endless(): AsyncGenerator<Uint8Array> {
      for (;;) {
        pulled++;
        yield Buffer.alloc(1024, 1);
      }
    }
    await assert.rejects(
      store.ingest(endless(), { size: 4096 + 10 }),
      rejectsWith("SIZE_MISMATCH", /expected 4106 bytes, got 5120/),
    );
    assert.equal(pulled, 5, "reading stopped as soon as the size was exceeded");
    assert.deepEqual(await ingestEntries(store), []);
  });

  it("destroys a Readable that says more than announced", async () => {
    const store = newStore();
    const source = new Readable({ read() {} });
    source.push(Buffer.alloc(100));
    source.push(Buffer.alloc(100));
    const result = store.ingest(source, { size: 150 });
    await assert.rejects(result, rejectsWith("SIZE_MISMATCH"));
    assert.equal(source.destroyed, true);
    assert.deepEqual(await ingestEntries(store), []);
  });

  it("enforces maxSize when the exact size is unknown", async () => {
    const store = newStore();
    await assert.rejects(
      store.ingest(chunks("x".repeat(100), "y"), { maxSize: 100 }),
      rejectsWith("BLOB_TOO_LARGE"),
    );
    assert.deepEqual(await store.ingest(chunks("x".repeat(100)), { maxSize: 100 }), {
      digest: sha256("x".repeat(100)),
      size: 100,
    });
  });

  it("rethrows a failing source's own error and cleans up", async () => {
    const store = newStore();
    const boom = new Error("connection reset");
    async function* failing(): AsyncGenerator<Uint8Array> {
      yield Buffer.from("partial");
      throw boom;
    }
    await assert.rejects(store.ingest(failing()), (err: unknown) => err === boom);
    assert.deepEqual(await ingestEntries(store), []);
    assert.deepEqual(await listAll(store), []);
  });

  it("refuses a source yielding strings", async () => {
    const store = newStore();
    const source = Readable.from(["text"], { objectMode: true });
    await assert.rejects(store.ingest(source), rejectsWith("INGEST_FAILED", /must yield bytes/));
    assert.deepEqual(await ingestEntries(store), []);
  });

  it("accepts only sha256 and well-formed digests", async () => {
    const store = newStore();
    await assert.rejects(
      store.ingest(chunks("x"), { digest: `sha512:${"a".repeat(128)}` }),
      rejectsWith("UNSUPPORTED_DIGEST_ALGORITHM", /only sha256/),
    );
    await assert.rejects(
      store.ingest(chunks("x"), { digest: "sha256:../../etc/passwd" }),
      rejectsWith("INVALID_DIGEST"),
    );
    await assert.rejects(store.ingest(chunks("x"), { size: -1 }), rejectsWith("INVALID_EXPECTED_SIZE"));
    assert.throws(() => store.path("sha256:../../x"), rejectsWith("INVALID_DIGEST"));
    assert.throws(() => store.path(`sha512:${"a".repeat(128)}`), rejectsWith("UNSUPPORTED_DIGEST_ALGORITHM"));
    assert.equal(await store.has(`sha512:${"a".repeat(128)}`), false);
    await assert.rejects(store.has("nope"), rejectsWith("INVALID_DIGEST"));
    assert.deepEqual(await ingestEntries(store), []);
  });
});

describe("ContentStore: concurrency", () => {
  it("ingests one blob many times at once", async () => {
    const store = newStore();
    const parts = Array.from({ length: 8 }, (_, i) => Buffer.alloc(64 * 1024, i));
    const whole = Buffer.concat(parts);
    const digest = sha256(whole);
    const results = await Promise.all(
      Array.from({ length: 16 }, () => store.ingest(chunks(...parts), { digest, size: whole.length })),
    );
    for (const r of results) assert.deepEqual(r, { digest, size: whole.length });
    assert.deepEqual(await listAll(store), [digest]);
    assert.ok((await readFile(store.path(digest))).equals(whole));
    assert.deepEqual(await ingestEntries(store), []);
  });

  it("never lets a liar's bytes land under the digest, whatever the interleaving", async () => {
    const store = newStore();
    const good = Buffer.alloc(200_000, 1);
    const bad = Buffer.alloc(200_000, 2);
    const digest = sha256(good);
    const runs = Array.from({ length: 20 }, (_, i) => {
      const body = i % 2 === 0 ? bad : good;
      return store.ingest(chunks(body.subarray(0, 50_000), body.subarray(50_000)), {
        digest,
        size: good.length,
      });
    });
    const settled = await Promise.allSettled(runs);
    settled.forEach((s, i) => assert.equal(s.status, i % 2 === 0 ? "rejected" : "fulfilled", `run ${i}`));
    assert.deepEqual(await listAll(store), [digest]);
    await assertIntact(store);
    assert.deepEqual(await ingestEntries(store), []);
  });
});

describe("ContentStore: writers", () => {
  it("lets a caller tee a stream into the store", async () => {
    const store = newStore();
    const writer = await store.openWriter({ size: 6 });
    // Un-awaited writes still land in order.
    const a = writer.write(Buffer.from("abc"));
    const b = writer.write(Buffer.from("def"));
    await Promise.all([a, b]);
    assert.equal(writer.size, 6);
    assert.deepEqual(await writer.commit(), { digest: sha256("abcdef"), size: 6 });
    assert.deepEqual(await writer.commit(), { digest: sha256("abcdef"), size: 6 }, "commit is idempotent");
    await writer.abort(); // no effect after commit
    assert.equal(await readFile(store.path(sha256("abcdef")), "utf8"), "abcdef");
    await assert.rejects(writer.write(Buffer.from("x")), rejectsWith("INGEST_FAILED", /write after commit/));
  });

  it("tolerates commit and abort racing each other", async () => {
    const store = newStore();
    const writer = await store.openWriter({ size: 4 });
    void writer.write(Buffer.from("race"));
    const [a, b] = await Promise.all([writer.commit(), writer.commit(), writer.abort()]);
    assert.deepEqual(a, { digest: sha256("race"), size: 4 });
    assert.deepEqual(b, a);
    await assert.rejects(
      writer.write(Buffer.from("late")),
      rejectsWith("INGEST_FAILED", /write after commit/),
    );
    assert.equal(await readFile(store.path(sha256("race")), "utf8"), "race");
    assert.deepEqual(await ingestEntries(store), []);
  });

  it("abort removes the temp file; the writer then refuses to continue", async () => {
    const store = newStore();
    const writer = await store.openWriter();
    await writer.write(Buffer.from("half"));
    assert.equal((await ingestEntries(store)).length, 1);
    await writer.abort();
    await writer.abort();
    assert.deepEqual(await ingestEntries(store), []);
    await assert.rejects(writer.write(Buffer.from("more")), rejectsWith("INGEST_FAILED"));
    await assert.rejects(writer.commit(), rejectsWith("INGEST_FAILED"));
    assert.deepEqual(await listAll(store), []);
  });

  it("takes a digest computed elsewhere, still verified before the blob gets its name", async () => {
    const store = newStore();
    // Told the right digest: stored under it.
    const told = await store.openWriter({ digest: sha256("elsewhere"), size: 9 });
    told.digestElsewhere(() => Promise.resolve(sha256("elsewhere")));
    await told.write(Buffer.from("elsewhere"));
    assert.deepEqual(await told.commit(), { digest: sha256("elsewhere"), size: 9 });
    // Told a digest other than the expected one: refused, nothing stored under either.
    const lied = await store.openWriter({ digest: sha256("claimed!!"), size: 9 });
    lied.digestElsewhere(() => Promise.resolve(sha256("something")));
    await lied.write(Buffer.from("claimed!!"));
    await assert.rejects(lied.commit(), rejectsWith("DIGEST_MISMATCH"));
    assert.equal(await store.has(sha256("claimed!!")), false);
    // The other side failed or could not tell: the writer hashes the file it wrote.
    for (const digestOf of [() => Promise.reject(new Error("worker died")), () => Promise.resolve(null)]) {
      const fallback = await store.openWriter();
      fallback.digestElsewhere(digestOf);
      await fallback.write([Buffer.from("read "), Buffer.from("back")]);
      assert.deepEqual(await fallback.commit(), { digest: sha256("read back"), size: 9 });
    }
    assert.deepEqual(await ingestEntries(store), []);
    const late = await store.openWriter();
    await late.write(Buffer.from("x"));
    assert.throws(() => late.digestElsewhere(() => Promise.resolve(null)), rejectsWith("INGEST_FAILED"));
    await late.abort();
  });

  it("an oversize write fails the writer for good", async () => {
    const store = newStore();
    const writer = await store.openWriter({ size: 3 });
    await assert.rejects(writer.write(Buffer.from("abcd")), rejectsWith("SIZE_MISMATCH"));
    await assert.rejects(writer.commit(), rejectsWith("SIZE_MISMATCH"));
    assert.deepEqual(await ingestEntries(store), []);
  });
});

describe("ContentStore: reading and removing", () => {
  it("reads whole small blobs and streams ranges", async () => {
    const store = newStore();
    const { digest } = await store.writeBuffer(Buffer.from("0123456789"));
    assert.equal((await store.readBuffer(digest, 10)).toString(), "0123456789");
    await assert.rejects(
      store.readBuffer(digest, 9),
      rejectsWith("BLOB_TOO_LARGE", /10 bytes, more than the 9 allowed/),
    );
    const parts: Buffer[] = [];
    for await (const c of await store.createReadStream(digest, { start: 2, end: 4 })) parts.push(c as Buffer);
    assert.equal(Buffer.concat(parts).toString(), "234");
  });

  it("reports missing blobs", async () => {
    const store = newStore();
    const missing = sha256("missing");
    assert.equal(await store.has(missing), false);
    assert.equal(await store.stat(missing), null);
    await assert.rejects(store.readBuffer(missing, 100), rejectsWith("BLOB_NOT_FOUND"));
    await assert.rejects(store.createReadStream(missing), rejectsWith("BLOB_NOT_FOUND"));
    assert.equal(await store.delete(missing), false);
    assert.deepEqual(await listAll(store), []);
    assert.equal(await store.removeIngests(), 0);
    assert.equal(existsSync(store.root), false, "reading never creates the store");
  });

  it("detects a blob corrupted on disk", async () => {
    const store = newStore();
    const { digest } = await store.writeBuffer(Buffer.from("original"));
    await writeFile(store.path(digest), "tampered");
    await assert.rejects(store.readBuffer(digest, 100), rejectsWith("BLOB_CORRUPTED"));
  });

  it("re-ingesting repairs a blob truncated on disk", async () => {
    const store = newStore();
    const { digest } = await store.writeBuffer(Buffer.from("complete content"));
    await writeFile(store.path(digest), "compl");
    assert.deepEqual(await store.writeBuffer(Buffer.from("complete content"), digest), { digest, size: 16 });
    await assertIntact(store);
  });

  it("deletes and lists", async () => {
    const store = newStore();
    const a = await store.writeBuffer(Buffer.from("a"));
    const b = await store.writeBuffer(Buffer.from("b"));
    // Files that are not blobs are not listed.
    await writeFile(join(store.root, "blobs", "sha256", "README"), "x");
    assert.deepEqual(await listAll(store), [a.digest, b.digest].sort());
    assert.equal(await store.delete(a.digest), true);
    assert.equal(await store.delete(a.digest), false);
    assert.deepEqual(await listAll(store), [b.digest]);
  });
});

describe("ContentStore: crash recovery", () => {
  it("removeIngests deletes leftovers but not open writers' files", async () => {
    const store = newStore();
    const kept = await store.writeBuffer(Buffer.from("kept"));
    const ingestDir = join(store.root, "ingest");
    // What a crash mid-write leaves: partial temp files (and maybe a stray directory).
    await writeFile(join(ingestDir, "0123abcd"), "partial");
    await writeFile(join(ingestDir, "deadbeef"), "");
    await mkdir(join(ingestDir, "stray"));
    const open = await store.openWriter();
    await open.write(Buffer.from("in progress"));

    assert.equal(await store.removeIngests(), 3);
    assert.equal((await ingestEntries(store)).length, 1);
    assert.deepEqual(await open.commit(), { digest: sha256("in progress"), size: 11 });
    assert.deepEqual(await ingestEntries(store), []);
    assert.deepEqual(await listAll(store), [kept.digest, sha256("in progress")].sort());
    await assertIntact(store);
  });

  it("a new store on the same root sees committed blobs only", async () => {
    const root = join(base, `store-${n++}`);
    const first = new ContentStore({ root });
    const { digest } = await first.writeBuffer(Buffer.from("durable"));
    const unfinished = await first.openWriter();
    await unfinished.write(Buffer.from("lost in the crash"));
    // The daemon restarts: a second store on the same root reconciles.
    const second = new ContentStore({ root });
    assert.equal(await second.removeIngests(), 1);
    assert.deepEqual(await listAll(second), [digest]);
    assert.equal((await second.readBuffer(digest, 100)).toString(), "durable");
    await unfinished.abort();
  });
});

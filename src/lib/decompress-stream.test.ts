import assert from "node:assert/strict";
import { PassThrough, Readable } from "node:stream";
import { test } from "node:test";
import { gzipSync } from "node:zlib";
import { decompressBatches, detectCompression } from "./decompress-stream.ts";
import { isEngineError } from "./errors.ts";

const DATA = Buffer.from("0123456789abcdefghijklmnopqrstuvwxyz".repeat(100));

async function collect(batches: AsyncIterable<Buffer[]>): Promise<Buffer[]> {
  const chunks: Buffer[] = [];
  for await (const batch of batches) {
    assert.ok(batch.length > 0, "batches are never empty");
    chunks.push(...batch);
  }
  return chunks;
}

/** `bytes` cut into chunks of 1, 2, 3, ... bytes: the 6-byte head spans three of them. */
function pieces(bytes: Buffer): Buffer[] {
  const out: Buffer[] = [];
  for (let at = 0, size = 1; at < bytes.length; at += size, size++) out.push(bytes.subarray(at, at + size));
  return out;
}

async function* iterate(chunks: Buffer[]): AsyncGenerator<Buffer> {
  yield* chunks;
}

test("detectCompression knows gzip, bzip2, xz and zstd by their magic bytes", () => {
  assert.equal(detectCompression(gzipSync(DATA)), "gzip");
  assert.equal(detectCompression(Buffer.from("BZh91AY")), "bzip2");
  assert.equal(detectCompression(Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0])), "xz");
  assert.equal(detectCompression(Buffer.from([0x28, 0xb5, 0x2f, 0xfd])), "zstd");
  assert.equal(detectCompression(DATA), "none");
  assert.equal(detectCompression(Buffer.alloc(0)), "none");
});

test("a plain Readable comes back whole, head included, as its own chunks", async () => {
  const chunks = pieces(DATA);
  const { batches, compression } = await decompressBatches(Readable.from(chunks));
  assert.equal(compression, "none");
  const seen = await collect(batches);
  assert.deepEqual(Buffer.concat(seen), DATA, "no byte lost or moved, the sniffed head neither");
  assert.ok(
    seen.every((c, i) => c === chunks[i]),
    "the source's chunks themselves, not copies",
  );
});

test("a plain async iterable (not a Readable) comes back whole", async () => {
  const { batches, compression } = await decompressBatches(iterate(pieces(DATA)));
  assert.equal(compression, "none");
  assert.deepEqual(Buffer.concat(await collect(batches)), DATA);
});

test("a stream shorter than the magic bytes comes back whole; an empty one yields nothing", async () => {
  const short = await decompressBatches(Readable.from([Buffer.from("ab"), Buffer.from("c")]));
  assert.equal(Buffer.concat(await collect(short.batches)).toString(), "abc");
  const empty = await decompressBatches(Readable.from([]));
  assert.equal(empty.compression, "none");
  assert.deepEqual(await collect(empty.batches), []);
});

test("a gzip'd Readable or iterable is decompressed, whatever the chunking", async () => {
  const gz = gzipSync(DATA);
  for (const source of [Readable.from(pieces(gz)), iterate(pieces(gz)), Readable.from([gz])]) {
    const { batches, compression } = await decompressBatches(source);
    assert.equal(compression, "gzip");
    assert.deepEqual(Buffer.concat(await collect(batches)), DATA);
  }
});

test("a truncated or corrupt gzip stream fails while it is read", async () => {
  const gz = gzipSync(DATA);
  const truncated = await decompressBatches(Readable.from([gz.subarray(0, gz.length - 20)]));
  await assert.rejects(collect(truncated.batches), /unexpected end of file/);
  const corrupt = Buffer.from(gz);
  corrupt.fill(0xff, 10, 40);
  const garbage = await decompressBatches(Readable.from([corrupt]));
  await assert.rejects(
    collect(garbage.batches),
    (err: Error & { code?: string }) => err.code?.startsWith("Z_") === true,
  );
});

test("an error of the source reaches the reader, plain or gzip'd", async () => {
  for (const head of [DATA.subarray(0, 100), gzipSync(DATA).subarray(0, 100)]) {
    const source = new PassThrough();
    source.write(head);
    const { batches } = await decompressBatches(source);
    const read = collect(batches);
    source.destroy(new Error("connection reset"));
    await assert.rejects(read, /connection reset/);
  }
});

test("bzip2, xz and zstd are refused, and the source is let go", async () => {
  for (const magic of ["BZh91AY", "\xfd7zXZ\0", "\x28\xb5\x2f\xfd\0\0"]) {
    const source = new PassThrough();
    source.write(Buffer.from(magic, "latin1"));
    await assert.rejects(
      decompressBatches(source),
      (err: unknown) => isEngineError(err) && err.code === "UNSUPPORTED_COMPRESSION",
    );
    assert.equal(source.destroyed, true);
  }
});

test("leaving the batches early destroys the source, plain or gzip'd", async () => {
  for (const first of [DATA, gzipSync(DATA)]) {
    const source = new PassThrough();
    source.write(first);
    const { batches } = await decompressBatches(source);
    for await (const batch of batches) {
      assert.ok(batch.length > 0);
      break;
    }
    if (!source.destroyed) await new Promise((resolve) => source.once("close", resolve));
    assert.equal(source.destroyed, true);
  }
  // Even before the first batch is taken (docker load's diff ID of a plain layer).
  const source = new PassThrough();
  source.write(DATA);
  const { batches } = await decompressBatches(source);
  await batches[Symbol.asyncIterator]().return?.();
  assert.equal(source.destroyed, true);
});

test("with onLeave drain, leaving early reads the rest of the source and drops it", async () => {
  for (const first of [DATA, gzipSync(DATA)]) {
    const source = new PassThrough();
    source.write(first);
    const { batches } = await decompressBatches(source, "drain");
    for await (const batch of batches) {
      assert.ok(batch.length > 0);
      break;
    }
    source.end(Buffer.alloc(4 * 1024 * 1024)); // more than readBatches buffers
    await new Promise((resolve) => source.once("end", resolve)); // a destroyed one never ends
  }
});

import assert from "node:assert/strict";
import { PassThrough, Readable } from "node:stream";
import { test } from "node:test";
import { readBatches } from "./read-batches.ts";

test("readBatches yields every chunk in order, uncopied, and ends with the stream", async () => {
  const chunks = [Buffer.from("ab"), Buffer.from("cde"), Buffer.from("f")];
  const seen: Buffer[] = [];
  for await (const batch of readBatches(Readable.from(chunks))) {
    assert.ok(batch.length > 0);
    seen.push(...batch);
  }
  assert.equal(Buffer.concat(seen).toString(), "abcdef");
  assert.ok(
    seen.every((c, i) => c === chunks[i]),
    "the chunks themselves, not copies",
  );
});

test("readBatches groups what arrived while the consumer was busy, and pauses past the limit", async () => {
  const stream = new PassThrough();
  const batches = readBatches(stream, 10);
  const first = batches.next(); // starts reading
  stream.write(Buffer.alloc(4));
  assert.equal((await first).value?.length, 1);
  // The consumer is away: three chunks arrive; past 10 bytes the stream is paused.
  stream.write(Buffer.alloc(4));
  stream.write(Buffer.alloc(4));
  stream.write(Buffer.alloc(4));
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(stream.isPaused(), true);
  const second = await batches.next();
  assert.deepEqual(
    (second.value as Buffer[]).map((c) => c.length),
    [4, 4, 4],
  );
  assert.equal(stream.isPaused(), false, "resumed once the batch is taken");
  stream.end();
  assert.equal((await batches.next()).done, true);
});

test("readBatches throws the stream's error", async () => {
  const stream = new PassThrough();
  const batches = readBatches(stream);
  stream.write("x");
  assert.equal((await batches.next()).value?.[0]?.toString(), "x");
  stream.destroy(new Error("boom"));
  await assert.rejects(batches.next(), /boom/);
});

test("readBatches throws when the stream closes before its end", async () => {
  const stream = new PassThrough();
  const batches = readBatches(stream);
  const pending = batches.next();
  stream.destroy();
  await assert.rejects(pending, { code: "ERR_STREAM_PREMATURE_CLOSE" });
});

test("leaving readBatches early destroys the stream", async () => {
  const stream = new PassThrough();
  stream.write("x");
  for await (const batch of readBatches(stream)) {
    assert.equal(batch.length, 1);
    break;
  }
  assert.equal(stream.destroyed, true);
});

test("leaving readBatches early with onLeave drain reads the rest and drops it", async () => {
  const stream = new PassThrough();
  stream.write("x");
  for await (const batch of readBatches(stream, 10, "drain")) {
    assert.equal(batch.length, 1);
    break;
  }
  assert.equal(stream.listenerCount("data"), 0);
  stream.write(Buffer.alloc(100)); // past the limit: not left paused
  stream.end();
  await new Promise((resolve) => stream.once("end", resolve)); // a destroyed stream never ends
});

test("readBatches of a stream that already ended yields nothing", async () => {
  const stream = Readable.from([]);
  stream.resume();
  await new Promise((resolve) => stream.once("end", resolve));
  const batches: Buffer[][] = [];
  for await (const batch of readBatches(stream)) batches.push(batch);
  assert.deepEqual(batches, []);
});

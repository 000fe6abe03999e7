import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { after, test } from "node:test";
import { HashThread } from "./hash-thread.ts";

const hasher = new HashThread();
after(() => hasher.close());

const expected = (...chunks: Buffer[]): string => {
  const h = createHash("sha256");
  for (const c of chunks) h.update(c);
  return `sha256:${h.digest("hex")}`;
};

test("chunks read into ring slots, and foreign chunks of any size, hash like one stream", () => {
  const big = randomBytes(5 * 1024 * 1024 + 3); // more than the ring holds: exercises waiting
  const chunks: Buffer[] = [];
  hasher.start();
  for (let i = 0; i < 20; i++) {
    const slot = hasher.nextBuffer();
    const n = 1000 + i * 50_000;
    randomBytes(n).copy(slot);
    chunks.push(Buffer.from(slot.subarray(0, n)));
    hasher.update(slot.subarray(0, n));
  }
  hasher.update(big);
  assert.equal(hasher.digest(), expected(...chunks, big));
});

test("digests are independent, also after an abandoned one", () => {
  hasher.start();
  hasher.update(Buffer.from("abandoned"));
  hasher.abandon();
  hasher.start();
  assert.equal(hasher.digest(), expected());
  hasher.start();
  hasher.update(Buffer.from("abc"));
  assert.equal(hasher.digest(), expected(Buffer.from("abc")));
});

import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { RegistryError } from "./registry-errors.ts";
import { RegistryStorage } from "./registry-storage.ts";

const sha = (b: Buffer): string => `sha256:${createHash("sha256").update(b).digest("hex")}`;
async function* chunks(...parts: Buffer[]): AsyncGenerator<Buffer> {
  for (const p of parts) yield p;
}

describe("RegistryStorage uploads", () => {
  let root: string;
  let storage: RegistryStorage;
  before(async () => {
    root = await mkdtemp(join(tmpdir(), "registry-storage-"));
    storage = new RegistryStorage(root);
    await storage.init(3600_000);
  });
  after(() => rm(root, { recursive: true, force: true }));

  it("a digest mismatch stores nothing and ends the session", async () => {
    const id = await storage.startUpload("a");
    await storage.appendUpload("a", id, 0, chunks(Buffer.from("abc")), 3);
    await assert.rejects(storage.finishUpload("a", id, sha(Buffer.from("abd"))), (err: unknown) => {
      return err instanceof RegistryError && err.code === "DIGEST_INVALID";
    });
    assert.equal(await storage.uploadSize("a", id), undefined);
    assert.deepEqual(await readdir(join(root, "blobs", "sha256")), []);
    assert.deepEqual(await readdir(join(root, "uploads")), []);
  });

  it("refuses a body longer or shorter than its Content-Length, keeping what was valid", async () => {
    const id = await storage.startUpload("a");
    await assert.rejects(
      storage.appendUpload("a", id, 0, chunks(Buffer.from("abcdef")), 4),
      /provided length/,
    );
    const kept = await storage.uploadSize("a", id);
    assert.equal(kept, 0, "the over-long chunk was refused before any byte of it was written");
    await assert.rejects(storage.appendUpload("a", id, 0, chunks(Buffer.from("ab")), 4), /provided length/);
    assert.equal(await storage.uploadSize("a", id), 2, "a short body keeps its bytes for a resume");
    await storage.cancelUpload("a", id);
  });

  it("serializes concurrent appends: the second sees the first's end and gets 416", async () => {
    const id = await storage.startUpload("a");
    const bodies = [Buffer.from("1234"), Buffer.from("5678")];
    const results = await Promise.allSettled(
      bodies.map((b) => storage.appendUpload("a", id, 0, chunks(b), 4)),
    );
    // Either may take the session's lock first; exactly one wins.
    const won = results.findIndex((r) => r.status === "fulfilled");
    const lost = results.find((r) => r.status === "rejected") as PromiseRejectedResult | undefined;
    assert.notEqual(won, -1);
    assert.equal(lost?.reason.status, 416);
    const winner = bodies[won] as Buffer;
    assert.equal(await storage.finishUpload("a", id, sha(winner)), 4);
    assert.equal(await storage.repoBlobSize("a", sha(winner)), 4);
    assert.equal(await storage.repoBlobSize("b", sha(winner)), null, "linked only where pushed");
  });

  it("a session belongs to its repository and ids are checked before use as paths", async () => {
    const id = await storage.startUpload("a");
    assert.equal(await storage.uploadSize("b", id), undefined);
    assert.equal(await storage.uploadSize("a", "../../etc"), undefined);
    await assert.rejects(storage.appendUpload("a", "../x", 0, chunks(), 0), /blob upload unknown/);
  });
});

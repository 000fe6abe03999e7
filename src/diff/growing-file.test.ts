import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { closeSync, mkdirSync, openSync, readFileSync, writeSync } from "node:fs";
import { after, describe, test } from "node:test";
import { gunzipSync } from "node:zlib";
import { applyLayer, closeLayerWorkers } from "./apply-layer.ts";
import { GrowingFileProgress, GrowingFileReader } from "./growing-file.ts";
import { pyTar, tempDir } from "./test-tar.ts";

const tmp = tempDir("berth-growing-file-");
after(async () => {
  tmp.remove();
  await closeLayerWorkers();
});

const sha256 = (bytes: Buffer): string => `sha256:${createHash("sha256").update(bytes).digest("hex")}`;
const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Copies `bytes` into a new file in small pieces, publishing each, while the caller reads. */
async function writeSlowly(path: string, bytes: Buffer, progress: GrowingFileProgress): Promise<void> {
  const fd = openSync(path, "w");
  try {
    for (let at = 0; at < bytes.length; at += 1000) {
      writeSync(fd, bytes, at, Math.min(1000, bytes.length - at), at);
      progress.advance(Math.min(at + 1000, bytes.length));
      await tick();
    }
  } finally {
    closeSync(fd);
  }
}

describe("a layer worker follows a blob that is still being written", () => {
  for (const gzip of [false, true]) {
    test(gzip ? "gzip" : "uncompressed", async () => {
      const name = gzip ? "g" : "u";
      const blob = readFileSync(
        pyTar(tmp.join(`${name}.tar`), [{ name: "a/b.txt", data: "x".repeat(70_000) }], { gzip }),
      );
      const growing = tmp.join(`${name}.growing`);
      closeSync(openSync(growing, "w"));
      const fd = openSync(growing, "r");
      const dest = tmp.join(`${name}-root`);
      mkdirSync(dest);
      const progress = new GrowingFileProgress();
      try {
        const applied = applyLayer({ fd, progress: progress.shared }, dest);
        await writeSlowly(growing, blob, progress);
        progress.complete();
        const result = await applied;
        // An uncompressed blob's DiffID is its own digest, handed to the blob's writer too.
        assert.equal(result.diffId, gzip ? sha256(gunzipSync(blob)) : sha256(blob));
        assert.equal(result.blobDigest, gzip ? null : sha256(blob));
        assert.equal(readFileSync(`${dest}/a/b.txt`, "utf8").length, 70_000);
      } finally {
        closeSync(fd);
      }
    });
  }

  test("an aborted write fails the reader instead of leaving it waiting", async () => {
    const path = tmp.join("aborted");
    closeSync(openSync(path, "w"));
    const fd = openSync(path, "r");
    const progress = new GrowingFileProgress();
    try {
      const reader = new GrowingFileReader(fd, progress.shared);
      const waiting = reader.available(10);
      progress.abort();
      await assert.rejects(waiting, /not stored completely/);
    } finally {
      closeSync(fd);
    }
  });
});

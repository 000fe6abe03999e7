import assert from "node:assert/strict";
import { mkdtemp, open, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { writeFileChunks } from "./write-file-chunks.ts";

test("writes every chunk in order, across batch boundaries", async () => {
  const dir = await mkdtemp(join(tmpdir(), "berth-chunks-"));
  try {
    const chunks: Buffer[] = [];
    for (let i = 0; i < 2500; i++) chunks.push(Buffer.alloc(1 + (i % 3000), i % 251));
    async function* source(): AsyncGenerator<Buffer> {
      yield* chunks;
    }
    const fd = await open(join(dir, "f"), "w");
    const written = await writeFileChunks(fd, source());
    await fd.close();
    const expected = Buffer.concat(chunks);
    assert.equal(written, expected.length);
    assert.ok((await readFile(join(dir, "f"))).equals(expected));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

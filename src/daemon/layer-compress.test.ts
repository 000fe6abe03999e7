import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { gunzipSync } from "node:zlib";
import { ContentStore } from "../content/index.ts";
import { MediaType } from "../oci/index.ts";
import { compressLayer, gzipMediaType } from "./layer-compress.ts";

const dir = mkdtempSync(join(tmpdir(), "layer-compress-"));
after(() => rmSync(dir, { recursive: true, force: true }));

test("multi-member gzip that gunzips to the layer, reproducibly", async () => {
  const content = new ContentStore({ root: dir });
  // 9.5 MiB: three pieces, half of it compressible.
  const layer = Buffer.concat([randomBytes(5 * 1024 * 1024), Buffer.alloc(4.5 * 1024 * 1024, "a")]);
  const { digest } = await content.writeBuffer(layer);
  const a = await compressLayer(content, digest, MediaType.ociLayer);
  const b = await compressLayer(content, digest, MediaType.ociLayer);
  assert.equal(a.digest, b.digest);
  assert.equal(a.mediaType, MediaType.ociLayerGzip);
  const gz = await content.readBuffer(a.digest, 64 * 1024 * 1024);
  assert.equal(gz.length, a.size);
  assert.ok(gunzipSync(gz).equals(layer));
  // An empty layer still makes a valid gzip member.
  const empty = await content.writeBuffer(Buffer.alloc(0));
  const e = await compressLayer(content, empty.digest, MediaType.dockerLayer);
  assert.equal(e.mediaType, MediaType.dockerLayerGzip);
  assert.equal(gunzipSync(await content.readBuffer(e.digest, 1024)).length, 0);
  assert.equal(gzipMediaType(MediaType.dockerLayer), MediaType.dockerLayerGzip);
});

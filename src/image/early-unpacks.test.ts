import assert from "node:assert/strict";
import { test } from "node:test";
import { gzipSync } from "node:zlib";
import { looksLikeLayer } from "./early-unpacks.ts";

test("layers are told from other blobs by their first bytes", () => {
  const tarHeader = Buffer.alloc(512);
  tarHeader.write("ustar", 257, "latin1");
  assert.equal(looksLikeLayer(tarHeader), true);
  assert.equal(looksLikeLayer(gzipSync("x")), true);
  assert.equal(looksLikeLayer(Buffer.from('{"architecture":"amd64"}')), false);
  assert.equal(looksLikeLayer(tarHeader.subarray(0, 200)), false, "too short to tell: unpacked later");
});

import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { describe, it } from "node:test";
import { isEngineError } from "../lib/index.ts";
import { digestHex, isDigest, isHex64, isSha256Digest, parseDigest, sha256Of, shortId } from "./digest.ts";

const EMPTY_SHA256 = "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

describe("parseDigest", () => {
  const valid: [string, string, string][] = [
    [EMPTY_SHA256, "sha256", EMPTY_SHA256.slice(7)],
    [`sha512:${"a".repeat(128)}`, "sha512", "a".repeat(128)],
    [`blake3:${"0".repeat(64)}`, "blake3", "0".repeat(64)],
    // Unregistered algorithms pass on the grammar alone (descriptor.md "Digests").
    [
      "multihash+base58:QmRZxt2b1FVZPNqd8hsiykDL3TdBDeTSPX9Kv46HmX4Gx8",
      "multihash+base58",
      "QmRZxt2b1FVZPNqd8hsiykDL3TdBDeTSPX9Kv46HmX4Gx8",
    ],
    [
      "sha256+b64u:LCa0a2j_xo_5m0U8HTBBNBNCLXBkg7-g-YpeiGJm564",
      "sha256+b64u",
      "LCa0a2j_xo_5m0U8HTBBNBNCLXBkg7-g-YpeiGJm564",
    ],
  ];
  for (const [input, algorithm, encoded] of valid) {
    it(`accepts ${input.slice(0, 30)}…`, () => {
      assert.deepEqual(parseDigest(input), { algorithm, encoded });
      assert.equal(isDigest(input), true);
    });
  }

  const invalid = [
    "",
    "sha256",
    "sha256:",
    ":abc",
    `sha256:${"A".repeat(64)}`, // registered algorithms use lowercase hex only
    `sha256:${"a".repeat(63)}`,
    `sha256:${"a".repeat(65)}`,
    `sha256:${"g".repeat(64)}`,
    `sha512:${"a".repeat(64)}`,
    `SHA256:${"a".repeat(64)}`,
    `sha256:${"a".repeat(64)}\n`,
    "sha256/../../etc/passwd",
    "sha256:../../etc/passwd",
    "a++b:abc",
    "x:abc/def",
  ];
  for (const input of invalid) {
    it(`refuses ${JSON.stringify(input.slice(0, 30))}`, () => {
      assert.throws(
        () => parseDigest(input),
        (err: unknown) =>
          isEngineError(err) && err.code === "INVALID_DIGEST" && err.category === "invalid-argument",
      );
      assert.equal(isDigest(input), false);
    });
  }
});

describe("digest helpers", () => {
  it("sha256Of hashes bytes and UTF-8 strings", () => {
    assert.equal(sha256Of(Buffer.alloc(0)), EMPTY_SHA256);
    assert.equal(sha256Of(""), EMPTY_SHA256);
    assert.equal(
      sha256Of("é"),
      "sha256:" +
        createHash("sha256")
          .update(Buffer.from([0xc3, 0xa9]))
          .digest("hex"),
    );
    // manifest.md "Guidance for an Empty Descriptor": the digest of `{}`.
    assert.equal(sha256Of("{}"), "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a");
  });
  it("isSha256Digest and isHex64 are exact", () => {
    assert.equal(isSha256Digest(EMPTY_SHA256), true);
    assert.equal(isSha256Digest(EMPTY_SHA256.toUpperCase()), false);
    assert.equal(isSha256Digest(`sha512:${"a".repeat(128)}`), false);
    assert.equal(isHex64(EMPTY_SHA256.slice(7)), true);
    assert.equal(isHex64(EMPTY_SHA256), false);
  });
  it("shortId and digestHex", () => {
    assert.equal(shortId(EMPTY_SHA256), "e3b0c44298fc");
    assert.equal(shortId(EMPTY_SHA256.slice(7)), "e3b0c44298fc");
    assert.equal(digestHex(EMPTY_SHA256), EMPTY_SHA256.slice(7));
  });
});

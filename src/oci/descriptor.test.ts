import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { isEngineError } from "../lib/index.ts";
import { parseDescriptor } from "./descriptor.ts";

const D = "sha256:5b0bcabd1ed22e9fb1310cf6c2dec7cdef19f0ad69efa1f392e94a4333501270";
const base = { mediaType: "application/vnd.oci.image.manifest.v1+json", size: 7682, digest: D };

function refuses(value: unknown, pattern: RegExp): void {
  assert.throws(
    () => parseDescriptor(value),
    (err: unknown) =>
      isEngineError(err) &&
      err.category === "invalid-argument" &&
      err.code === "INVALID_DOCUMENT" &&
      pattern.test(err.message),
  );
}

describe("parseDescriptor", () => {
  it("reads the descriptor.md examples", () => {
    assert.deepEqual(parseDescriptor(base), base);
    const withUrls = { ...base, urls: ["https://example.com/example-manifest"] };
    assert.deepEqual(parseDescriptor(withUrls), withUrls);
    const artifact = { ...base, artifactType: "application/vnd.example.sbom.v1" };
    assert.deepEqual(parseDescriptor(artifact), artifact);
  });

  it("keeps annotations and platform, drops unknown fields", () => {
    const d = parseDescriptor({
      ...base,
      annotations: { "org.opencontainers.image.ref.name": "1.0", __proto__: "x" },
      platform: { architecture: "arm64", os: "linux", variant: "v8", "os.features": ["a"] },
      extra: 1,
    });
    assert.equal(d.annotations?.["org.opencontainers.image.ref.name"], "1.0");
    assert.deepEqual(d.platform, { architecture: "arm64", os: "linux", variant: "v8", "os.features": ["a"] });
    assert.equal("extra" in d, false);
  });

  it("treats null optional fields as absent", () => {
    assert.deepEqual(parseDescriptor({ ...base, urls: null, annotations: null, platform: null }), base);
  });

  it("verifies embedded data against size and digest", () => {
    const empty = {
      mediaType: "application/vnd.oci.empty.v1+json",
      digest: "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a",
      size: 2,
      data: "e30=",
    };
    assert.deepEqual(parseDescriptor(empty), empty);
    refuses({ ...empty, data: "W10=" }, /does not match digest/);
    refuses({ ...empty, size: 3 }, /decodes to 2 bytes but size is 3/);
    refuses({ ...empty, data: "e30" }, /base64/);
  });

  const bad: [string, unknown, RegExp][] = [
    ["not an object", "x", /expected an object/],
    ["an array", [], /expected an object/],
    ["no mediaType", { digest: D, size: 1 }, /mediaType: required/],
    ["bad mediaType", { ...base, mediaType: "manifest" }, /mediaType: "manifest" is not a media type/],
    ["numeric mediaType", { ...base, mediaType: 5 }, /mediaType: expected a string/],
    ["no digest", { mediaType: base.mediaType, size: 1 }, /digest: expected a string/],
    ["bad digest", { ...base, digest: "sha256:abc" }, /digest: invalid digest/],
    ["uppercase digest", { ...base, digest: D.toUpperCase() }, /digest: invalid digest/],
    ["traversal digest", { ...base, digest: "sha256:../../etc" }, /digest: invalid digest/],
    ["no size", { mediaType: base.mediaType, digest: D }, /size: expected a non-negative integer/],
    ["negative size", { ...base, size: -1 }, /size/],
    ["fractional size", { ...base, size: 1.5 }, /size/],
    ["string size", { ...base, size: "12" }, /size/],
    ["huge size", { ...base, size: 2 ** 60 }, /size/],
    ["urls not strings", { ...base, urls: [1] }, /urls\[0\]: expected a string/],
    ["annotation not a string", { ...base, annotations: { a: 1 } }, /annotations\["a"\]: expected a string/],
    [
      "platform without os",
      { ...base, platform: { architecture: "amd64" } },
      /platform.os: expected a string/,
    ],
  ];
  for (const [name, value, pattern] of bad) {
    it(`refuses ${name}`, () => refuses(value, pattern));
  }
});

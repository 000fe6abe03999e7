import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { isEngineError } from "../lib/index.ts";
import { parseIndex, parseManifestOrIndex } from "./image-index.ts";
import { assertRunnable, parseManifest } from "./manifest.ts";
import { MediaType } from "./media-types.ts";

const C = "sha256:b5b2b2c507a0944348e0303114d8d93aaaa081732b86451d9bce1f432a537bc7";
const L1 = "sha256:e692418e4cbaf90ca69d05a66403747baa33ee08806650b51fab815ad7fc331f";
const L2 = "sha256:3c3a4604a545cdc127456d94e421cd355bca5b528f4a9c1905b15da2eb4a4c6b";

// docker-distribution/manifest-v2-2.md "Example Image Manifest"
const dockerManifest = {
  schemaVersion: 2,
  mediaType: "application/vnd.docker.distribution.manifest.v2+json",
  config: { mediaType: "application/vnd.docker.container.image.v1+json", digest: C, size: 7023 },
  layers: [
    { mediaType: "application/vnd.docker.image.rootfs.diff.tar.gzip", digest: L1, size: 32654 },
    { mediaType: "application/vnd.docker.image.rootfs.diff.tar.gzip", digest: L2, size: 16724 },
  ],
};

// oci-image-spec manifest.md "Example Image Manifest", without mediaType (it is only a SHOULD).
const ociManifest = {
  schemaVersion: 2,
  config: { mediaType: "application/vnd.oci.image.config.v1+json", digest: C, size: 7023 },
  layers: [{ mediaType: "application/vnd.oci.image.layer.v1.tar+gzip", digest: L1, size: 32654 }],
  subject: { mediaType: "application/vnd.oci.image.manifest.v1+json", digest: L2, size: 7682 },
  annotations: { "com.example.key1": "value1" },
};

function refuses(fn: () => unknown, code: string, pattern: RegExp): void {
  assert.throws(fn, (err: unknown) => isEngineError(err) && err.code === code && pattern.test(err.message));
}

describe("parseManifest", () => {
  it("reads a Docker schema 2 manifest", () => {
    const m = parseManifest(JSON.stringify(dockerManifest));
    assert.equal(m.mediaType, MediaType.dockerManifest);
    assert.equal(m.config.digest, C);
    assert.deepEqual(
      m.layers.map((l) => [l.digest, l.size]),
      [
        [L1, 32654],
        [L2, 16724],
      ],
    );
    assertRunnable(m);
  });

  it("reads an OCI manifest from bytes, defaulting its media type", () => {
    const m = parseManifest(Buffer.from(JSON.stringify(ociManifest)));
    assert.equal(m.mediaType, MediaType.ociManifest);
    assert.equal(m.subject?.digest, L2);
    assert.deepEqual(m.annotations, { "com.example.key1": "value1" });
    // A Content-Type hint fills in a missing mediaType; a generic one is ignored.
    assert.equal(
      parseManifest(JSON.stringify(ociManifest), { mediaType: MediaType.dockerManifest }).mediaType,
      MediaType.dockerManifest,
    );
    assert.equal(
      parseManifest(JSON.stringify(ociManifest), { mediaType: "application/json" }).mediaType,
      MediaType.ociManifest,
    );
  });

  it("accepts an artifact manifest but assertRunnable refuses it", () => {
    const artifact = {
      schemaVersion: 2,
      mediaType: MediaType.ociManifest,
      artifactType: "application/vnd.example+type",
      config: {
        mediaType: MediaType.ociEmpty,
        digest: "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a",
        size: 2,
      },
      layers: [{ mediaType: "application/vnd.example+type", digest: L1, size: 1234 }],
    };
    const m = parseManifest(JSON.stringify(artifact));
    assert.equal(m.artifactType, "application/vnd.example+type");
    refuses(() => assertRunnable(m), "UNSUPPORTED_MEDIA_TYPE", /application\/vnd\.oci\.empty\.v1\+json/);
  });

  const bad: [string, string | Buffer, string, RegExp][] = [
    ["garbage", "not json", "INVALID_DOCUMENT", /invalid image manifest: not valid JSON/],
    ["invalid UTF-8", Buffer.from([0x7b, 0xff, 0x7d]), "INVALID_DOCUMENT", /not valid JSON/],
    ["a JSON array", "[]", "INVALID_DOCUMENT", /expected a JSON object/],
    [
      "no schemaVersion",
      JSON.stringify({ ...dockerManifest, schemaVersion: undefined }),
      "INVALID_DOCUMENT",
      /schemaVersion: expected 2, got nothing/,
    ],
    [
      "schemaVersion 3",
      JSON.stringify({ ...dockerManifest, schemaVersion: 3 }),
      "INVALID_DOCUMENT",
      /schemaVersion: expected 2, got 3/,
    ],
    [
      "schema 1",
      JSON.stringify({ schemaVersion: 1, name: "x", fsLayers: [] }),
      "SCHEMA1_UNSUPPORTED",
      /schema 1/,
    ],
    [
      "schema 1 by type",
      JSON.stringify({ ...dockerManifest, mediaType: MediaType.dockerSchema1SignedManifest }),
      "SCHEMA1_UNSUPPORTED",
      /schema 1/,
    ],
    [
      "an index",
      JSON.stringify({ schemaVersion: 2, mediaType: MediaType.ociIndex, manifests: [] }),
      "INVALID_DOCUMENT",
      /is an image index, not a manifest/,
    ],
    [
      "an index without mediaType",
      JSON.stringify({ schemaVersion: 2, manifests: [] }),
      "INVALID_DOCUMENT",
      /is an image index/,
    ],
    [
      "unknown mediaType",
      JSON.stringify({ ...dockerManifest, mediaType: "application/vnd.example" }),
      "UNSUPPORTED_MEDIA_TYPE",
      /unsupported media type application\/vnd\.example/,
    ],
    [
      "no config",
      JSON.stringify({ ...dockerManifest, config: undefined }),
      "INVALID_DOCUMENT",
      /config: expected an object, got nothing/,
    ],
    [
      "no layers",
      JSON.stringify({ ...dockerManifest, layers: undefined }),
      "INVALID_DOCUMENT",
      /layers: expected an array/,
    ],
    [
      "a bad layer digest",
      JSON.stringify({ ...dockerManifest, layers: [{ ...dockerManifest.layers[0], digest: "sha256:1" }] }),
      "INVALID_DOCUMENT",
      /layers\[0\]\.digest: invalid digest/,
    ],
    [
      "a negative layer size",
      JSON.stringify({ ...dockerManifest, layers: [{ ...dockerManifest.layers[0], size: -5 }] }),
      "INVALID_DOCUMENT",
      /layers\[0\]\.size/,
    ],
  ];
  for (const [name, input, code, pattern] of bad) {
    it(`refuses ${name}`, () => refuses(() => parseManifest(input), code, pattern));
  }

  it("refuses a document over the size cap before parsing it", () => {
    const big = JSON.stringify({ ...dockerManifest, annotations: { pad: "x".repeat(4 << 20) } });
    refuses(() => parseManifest(big), "INVALID_DOCUMENT", /more than the 4194304 allowed/);
    refuses(
      () => parseManifest(JSON.stringify(dockerManifest), { maxBytes: 10 }),
      "INVALID_DOCUMENT",
      /more than the 10 allowed/,
    );
  });
});

// docker-distribution/manifest-v2-2.md "Example Manifest List"
const manifestList = {
  schemaVersion: 2,
  mediaType: "application/vnd.docker.distribution.manifest.list.v2+json",
  manifests: [
    {
      mediaType: MediaType.dockerManifest,
      digest: L1,
      size: 7143,
      platform: { architecture: "ppc64le", os: "linux" },
    },
    {
      mediaType: MediaType.dockerManifest,
      digest: L2,
      size: 7682,
      platform: { architecture: "amd64", os: "linux", features: ["sse4"] },
    },
  ],
};

describe("parseIndex", () => {
  it("reads a Docker manifest list", () => {
    const index = parseIndex(JSON.stringify(manifestList));
    assert.equal(index.mediaType, MediaType.dockerManifestList);
    assert.equal(index.manifests.length, 2);
    assert.deepEqual(index.manifests[1]?.platform, {
      architecture: "amd64",
      os: "linux",
      features: ["sse4"],
    });
  });

  it("reads an OCI index with nested index and unknown entry types", () => {
    const index = parseIndex(
      JSON.stringify({
        schemaVersion: 2,
        manifests: [
          { mediaType: MediaType.ociIndex, digest: L1, size: 7682 },
          { mediaType: "application/vnd.example.future+json", digest: L2, size: 1 },
        ],
        annotations: { "com.example.key1": "value1" },
      }),
    );
    assert.equal(index.mediaType, MediaType.ociIndex);
    assert.equal(index.manifests.length, 2);
  });

  it("accepts an empty manifests list", () => {
    assert.deepEqual(parseIndex('{"schemaVersion":2,"manifests":[]}').manifests, []);
  });

  it("refuses a manifest and a bad entry", () => {
    refuses(
      () => parseIndex(JSON.stringify(dockerManifest)),
      "INVALID_DOCUMENT",
      /is an image manifest, not an index/,
    );
    refuses(() => parseIndex(JSON.stringify(ociManifest)), "INVALID_DOCUMENT", /is an image manifest/);
    refuses(() => parseIndex('{"schemaVersion":2}'), "INVALID_DOCUMENT", /manifests: expected an array/);
    refuses(
      () =>
        parseIndex(
          JSON.stringify({
            ...manifestList,
            manifests: [{ ...manifestList.manifests[0], platform: { os: "linux" } }],
          }),
        ),
      "INVALID_DOCUMENT",
      /invalid image index: manifests\[0\]\.platform\.architecture: expected a string/,
    );
  });
});

describe("parseManifestOrIndex", () => {
  it("tells them apart by mediaType, hint or shape", () => {
    assert.equal(parseManifestOrIndex(JSON.stringify(dockerManifest)).kind, "manifest");
    assert.equal(parseManifestOrIndex(JSON.stringify(ociManifest)).kind, "manifest");
    assert.equal(parseManifestOrIndex(JSON.stringify(manifestList)).kind, "index");
    assert.equal(parseManifestOrIndex('{"schemaVersion":2,"manifests":[]}').kind, "index");
    const r = parseManifestOrIndex('{"schemaVersion":2,"manifests":[]}', {
      mediaType: MediaType.dockerManifestList,
    });
    assert.equal(r.kind === "index" && r.index.mediaType, MediaType.dockerManifestList);
  });
});

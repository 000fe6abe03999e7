import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Descriptor } from "./descriptor.ts";
import { MediaType } from "./media-types.ts";
import { compatiblePlatforms, platformEquals, selectManifest, selectManifests } from "./platform-match.ts";
import { formatPlatform, parsePlatform, type Platform } from "./platform.ts";

const p = (s: string): Platform => parsePlatform(s, { os: "linux", architecture: "amd64" });
let n = 0;
function entry(platform: Platform | undefined, extra: Partial<Descriptor> = {}): Descriptor {
  const digest = "sha256:" + (n++).toString(16).padStart(64, "0");
  const d: Descriptor = { mediaType: MediaType.ociManifest, digest, size: 100, ...extra };
  if (platform) d.platform = platform;
  return d;
}

describe("compatiblePlatforms", () => {
  const cases: [string, string[]][] = [
    ["linux/amd64", ["linux/amd64", "linux/386"]],
    ["linux/amd64/v3", ["linux/amd64/v3", "linux/amd64/v2", "linux/amd64", "linux/386"]],
    ["linux/arm/v7", ["linux/arm/v7", "linux/arm/v6", "linux/arm/v5"]],
    ["linux/arm/v5", ["linux/arm/v5"]],
    ["linux/arm64", ["linux/arm64/v8", "linux/arm/v8", "linux/arm/v7", "linux/arm/v6", "linux/arm/v5"]],
    [
      "linux/arm64/v8.2",
      [
        "linux/arm64/v8.2",
        "linux/arm64/v8.1",
        "linux/arm64/v8",
        "linux/arm/v8",
        "linux/arm/v7",
        "linux/arm/v6",
        "linux/arm/v5",
      ],
    ],
    [
      "linux/arm64/v9.1",
      [
        "linux/arm64/v9.1",
        "linux/arm64/v9",
        "linux/arm64/v8.6",
        "linux/arm64/v8.5",
        "linux/arm64/v8.4",
        "linux/arm64/v8.3",
        "linux/arm64/v8.2",
        "linux/arm64/v8.1",
        "linux/arm64/v8",
        "linux/arm/v8",
        "linux/arm/v7",
        "linux/arm/v6",
        "linux/arm/v5",
      ],
    ],
    ["linux/s390x", ["linux/s390x"]],
  ];
  for (const [want, expected] of cases) {
    it(want, () => assert.deepEqual(compatiblePlatforms(p(want)).map(formatPlatform), expected));
  }
});

describe("platformEquals", () => {
  it("compares normal forms", () => {
    assert.equal(platformEquals(p("linux/arm64"), { os: "linux", architecture: "arm64" }), true);
    assert.equal(
      platformEquals(p("linux/arm64"), { os: "linux", architecture: "aarch64", variant: "8" }),
      true,
    );
    assert.equal(platformEquals(p("linux/arm"), { os: "linux", architecture: "arm" }), true);
    assert.equal(platformEquals(p("linux/arm/v6"), { os: "linux", architecture: "arm" }), false);
    assert.equal(platformEquals(p("linux/amd64"), { os: "windows", architecture: "amd64" }), false);
  });
  it("requires the image's os.features to be offered", () => {
    const img = { os: "windows", architecture: "amd64", "os.features": ["win32k"] };
    assert.equal(platformEquals({ os: "windows", architecture: "amd64" }, img), false);
    assert.equal(
      platformEquals({ os: "windows", architecture: "amd64", "os.features": ["win32k"] }, img),
      true,
    );
  });
});

describe("selectManifests", () => {
  const amd64 = entry({ os: "linux", architecture: "amd64" });
  const arm64 = entry({ os: "linux", architecture: "arm64", variant: "v8" });
  const armv7 = entry({ os: "linux", architecture: "arm", variant: "v7" });
  const armv6 = entry({ os: "linux", architecture: "arm", variant: "v6" });
  const i386 = entry({ os: "linux", architecture: "386" });
  const windows = entry({ os: "windows", architecture: "amd64", "os.version": "10.0.17763.1" });
  // BuildKit attestation: unknown/unknown plus its annotation.
  const attestation = entry(
    { os: "unknown", architecture: "unknown" },
    {
      annotations: {
        "vnd.docker.reference.type": "attestation-manifest",
        "vnd.docker.reference.digest": amd64.digest,
      },
    },
  );
  const index = [attestation, windows, i386, armv6, amd64, armv7, arm64];

  it("picks the host's exact platform first, then older variants", () => {
    assert.deepEqual(selectManifests(index, p("linux/amd64")), [amd64, i386]);
    assert.deepEqual(selectManifests(index, p("linux/arm/v7")), [armv7, armv6]);
    assert.deepEqual(selectManifests(index, p("linux/arm64")), [arm64, armv7, armv6]);
    assert.equal(selectManifest(index, p("linux/arm64/v8")), arm64);
    assert.equal(selectManifest(index, p("windows/amd64")), windows);
  });

  it("falls back to a compatible platform and then to none", () => {
    assert.equal(selectManifest([attestation, i386], p("linux/amd64")), i386);
    assert.equal(selectManifest([amd64, attestation], p("linux/s390x")), undefined);
    assert.equal(selectManifest([attestation], p("linux/amd64")), undefined);
  });

  it("keeps index order among equal matches (image-index.md: the first SHOULD be used)", () => {
    const first = entry({ os: "linux", architecture: "amd64" });
    const second = entry({ os: "linux", architecture: "x86_64" });
    assert.deepEqual(selectManifests([first, second], p("linux/amd64")), [first, second]);
  });

  it("skips attestations even when asked for unknown/unknown, and unknown media types", () => {
    assert.deepEqual(selectManifests([attestation], { os: "unknown", architecture: "unknown" }), []);
    const sbom = entry({ os: "linux", architecture: "amd64" }, { mediaType: "application/vnd.example.sbom" });
    const artifact = entry(
      { os: "linux", architecture: "amd64" },
      { artifactType: "application/vnd.example" },
    );
    assert.deepEqual(selectManifests([sbom, artifact, amd64], p("linux/amd64")), [amd64]);
  });

  it("takes entries without a platform last, as docker does", () => {
    const untyped = entry(undefined);
    const nested = entry(undefined, { mediaType: MediaType.ociIndex });
    assert.deepEqual(selectManifests([untyped, i386, nested, amd64], p("linux/amd64")), [
      amd64,
      i386,
      untyped,
      nested,
    ]);
  });
});

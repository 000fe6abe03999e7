import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  isImageConfig,
  isIndex,
  isLayer,
  isManifest,
  isNonDistributableLayer,
  isValidMediaType,
  layerCompression,
  MediaType,
} from "./media-types.ts";

describe("media types", () => {
  it("tells manifests from indexes", () => {
    for (const t of [MediaType.ociManifest, MediaType.dockerManifest]) {
      assert.equal(isManifest(t), true);
      assert.equal(isIndex(t), false);
    }
    for (const t of [MediaType.ociIndex, MediaType.dockerManifestList]) {
      assert.equal(isIndex(t), true);
      assert.equal(isManifest(t), false);
    }
    assert.equal(isManifest(MediaType.dockerSchema1SignedManifest), false);
    assert.equal(isImageConfig(MediaType.dockerConfig), true);
    assert.equal(isImageConfig(MediaType.ociConfig), true);
    assert.equal(isImageConfig(MediaType.ociEmpty), false);
  });

  const layers: [string, string | undefined][] = [
    ["application/vnd.oci.image.layer.v1.tar", "none"],
    ["application/vnd.oci.image.layer.v1.tar+gzip", "gzip"],
    ["application/vnd.oci.image.layer.v1.tar+zstd", "zstd"],
    ["application/vnd.oci.image.layer.nondistributable.v1.tar", "none"],
    ["application/vnd.oci.image.layer.nondistributable.v1.tar+gzip", "gzip"],
    ["application/vnd.oci.image.layer.nondistributable.v1.tar+zstd", "zstd"],
    ["application/vnd.docker.image.rootfs.diff.tar", "none"],
    ["application/vnd.docker.image.rootfs.diff.tar.gzip", "gzip"],
    ["application/vnd.docker.image.rootfs.foreign.diff.tar.gzip", "gzip"],
    ["application/vnd.oci.image.config.v1+json", undefined],
    ["application/octet-stream", undefined],
  ];
  for (const [type, compression] of layers) {
    it(`${type} -> ${compression ?? "not a layer"}`, () => {
      assert.equal(layerCompression(type), compression);
      assert.equal(isLayer(type), compression !== undefined);
    });
  }

  it("marks foreign and non-distributable layers", () => {
    assert.equal(isNonDistributableLayer(MediaType.dockerForeignLayerGzip), true);
    assert.equal(isNonDistributableLayer(MediaType.ociLayerNondistributableGzip), true);
    assert.equal(isNonDistributableLayer(MediaType.ociLayerGzip), false);
  });

  it("checks RFC 6838 syntax", () => {
    for (const ok of ["application/json", "application/vnd.example+type", "text/plain", "a/b"]) {
      assert.equal(isValidMediaType(ok), true, ok);
    }
    for (const bad of [
      "",
      "application",
      "application/",
      "/json",
      "application/json; charset=utf-8",
      "a/b/c",
      "a /b",
    ]) {
      assert.equal(isValidMediaType(bad), false, bad);
    }
  });
});

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { isDigestSyntax, isRepositoryName, isTag, parseRoute } from "./repo-name.ts";

describe("repository name grammar", () => {
  it("accepts the spec's names", () => {
    for (const n of ["a", "library/busybox", "a.b/c_d/e__f/g-h--i", "0/1/2", "x".repeat(255)]) {
      assert.ok(isRepositoryName(n), n);
    }
  });
  it("refuses everything else", () => {
    for (const n of [
      "",
      "A",
      "a//b",
      "/a",
      "a/",
      "_a",
      "a_",
      "a___b",
      ".a",
      "a/../b",
      "a/_manifests",
      "a:b",
      "x".repeat(256),
    ]) {
      assert.ok(!isRepositoryName(n), n);
    }
  });
  it("tags", () => {
    assert.ok(isTag("latest") && isTag("_x") && isTag("v1.2-rc_3") && isTag("a".repeat(128)));
    assert.ok(
      !isTag("") && !isTag(".x") && !isTag("-x") && !isTag("a".repeat(129)) && !isTag("a/b") && !isTag("a:b"),
    );
  });
  it("digests", () => {
    assert.ok(isDigestSyntax(`sha256:${"a".repeat(64)}`));
    assert.ok(!isDigestSyntax(`sha256:${"A".repeat(64)}`));
    assert.ok(!isDigestSyntax("sha256:nothex"));
    assert.ok(isDigestSyntax("multihash+base58:QmRZxt2b1FVZPNqd8hsiykDL3TdBDeTSPX9Kv46HmX4Gx8"));
    assert.ok(!isDigestSyntax("nocolon") && !isDigestSyntax(":abc"));
  });
});

describe("parseRoute", () => {
  it("finds the route from the right, so names may hold slashes", () => {
    assert.deepEqual(parseRoute("/v2/a/b/manifests/latest"), {
      name: "a/b",
      kind: "manifests",
      ref: "latest",
    });
    assert.deepEqual(parseRoute("/v2/a/blobs/uploads/"), { name: "a", kind: "uploads", ref: "" });
    assert.deepEqual(parseRoute("/v2/a/blobs/uploads/123"), { name: "a", kind: "uploads", ref: "123" });
    assert.deepEqual(parseRoute("/v2/a/blobs/sha256:ab"), { name: "a", kind: "blobs", ref: "sha256:ab" });
    assert.deepEqual(parseRoute("/v2/x/manifests/tags/list"), { name: "x/manifests", kind: "tags", ref: "" });
    assert.deepEqual(parseRoute("/v2/r/referrers/sha256:ab"), {
      name: "r",
      kind: "referrers",
      ref: "sha256:ab",
    });
    assert.equal(parseRoute("/v2/"), undefined);
    assert.equal(parseRoute("/v3/a/manifests/x"), undefined);
  });
});

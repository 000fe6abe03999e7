import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { ImageSummary } from "../api/types/index.ts";
import { filterReferences, globToRegExp, imagePredicate, parseTimestamp } from "./image-filters.ts";

const image = (tags: string[], labels: Record<string, string> = {}, created = 1000): ImageSummary => ({
  Id: "sha256:x",
  ParentId: "",
  RepoTags: tags,
  RepoDigests: [],
  Created: created,
  Size: 0,
  SharedSize: -1,
  Labels: labels,
  Containers: -1,
});

describe("image filters", () => {
  it("matches references like FamiliarMatch: repo:tag or repo, globs never crossing /", () => {
    const match = (pattern: string, tag: string): boolean =>
      filterReferences([image([tag])], new Map([["reference", [pattern]]])).length === 1;
    assert.equal(match("busybox", "busybox:latest"), true);
    assert.equal(match("busy*", "busybox:latest"), true);
    assert.equal(match("busybox:lat*", "busybox:latest"), true);
    assert.equal(match("*", "team/app:1"), false);
    assert.equal(match("*/*", "team/app:1"), true);
    assert.equal(match("localhost:5000/*", "localhost:5000/app:1"), true);
  });

  it("keeps only the matching tags of an image", () => {
    const [kept] = filterReferences(
      [image(["busybox:latest", "team/box:v1"])],
      new Map([["reference", ["team/*"]]]),
    );
    assert.deepEqual(kept?.RepoTags, ["team/box:v1"]);
  });

  it("filters dangling, label, before/since and until", () => {
    const p = (key: string, value: string, img: ImageSummary): boolean =>
      imagePredicate(new Map([[key, [value]]]), () => 1000)(img);
    assert.equal(p("dangling", "true", image([])), true);
    assert.equal(p("dangling", "true", image(["a:1"])), false);
    assert.equal(p("label", "k", image([], { k: "v" })), true);
    assert.equal(p("label", "k=v", image([], { k: "v" })), true);
    assert.equal(p("label", "k=w", image([], { k: "v" })), false);
    assert.equal(p("before", "ref", image([], {}, 999)), true);
    assert.equal(p("since", "ref", image([], {}, 999)), false);
    assert.equal(p("until", "1500", image([], {}, 1000)), true);
  });

  it("parses timestamps, RFC 3339 and durations", () => {
    assert.equal(parseTimestamp("1700000000"), 1700000000);
    assert.equal(parseTimestamp("2024-01-01T00:00:00Z"), 1704067200);
    assert.ok(Math.abs(parseTimestamp("1h") - (Date.now() / 1000 - 3600)) < 5);
    assert.throws(() => parseTimestamp("yesterday"), /failed to parse value as time or duration/);
  });

  it("compiles character classes", () => {
    assert.equal(globToRegExp("v[0-9]").test("v1"), true);
    assert.equal(globToRegExp("v[0-9]").test("vx"), false);
  });
});

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { withLegacyEventFields } from "./event-legacy-fields.ts";

const base = { scope: "local", time: 1, timeNano: 1_000_000_000 } as const;

describe("withLegacyEventFields", () => {
  it("adds status, id and from first for container events", () => {
    const out = withLegacyEventFields({
      ...base,
      Type: "container",
      Action: "start",
      Actor: { ID: "abc", Attributes: { image: "busybox", name: "x" } },
    });
    assert.deepEqual(Object.keys(out).slice(0, 3), ["status", "id", "from"]);
    assert.equal(out.status, "start");
    assert.equal(out.id, "abc");
    assert.equal(out.from, "busybox");
  });
  it("adds status and id for image events, nothing for networks", () => {
    const image = withLegacyEventFields({
      ...base,
      Type: "image",
      Action: "tag",
      Actor: { ID: "sha256:1", Attributes: {} },
    });
    assert.equal(image.id, "sha256:1");
    assert.equal("from" in image, false);
    const net = withLegacyEventFields({
      ...base,
      Type: "network",
      Action: "create",
      Actor: { ID: "n", Attributes: {} },
    });
    assert.equal("id" in net, false);
  });
});

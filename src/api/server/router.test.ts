import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Router } from "./router.ts";

describe("Router", () => {
  const noop = (): void => undefined;
  const router = new Router()
    .add("GET", "/images/json", noop)
    .add("GET", "/images/{name*}/json", noop)
    .add("DELETE", "/images/{name*}", noop)
    .add("GET", "/containers/{id}/logs", noop);

  it("prefers fixed paths registered first over templates", () => {
    const m = router.match("GET", "/images/json");
    assert.ok(m && m !== "method");
    assert.equal(m.template, "/images/json");
  });

  it("matches greedy names with slashes, ports and digests", () => {
    const m = router.match("GET", "/images/localhost:5000/team/box@sha256:abc/json");
    assert.ok(m && m !== "method");
    assert.equal(m.params.name, "localhost:5000/team/box@sha256:abc");
  });

  it("decodes percent-encoded segments", () => {
    const m = router.match("DELETE", "/images/a%2Fb");
    assert.ok(m && m !== "method");
    assert.equal(m.params.name, "a/b");
  });

  it("single-segment params do not cross slashes", () => {
    assert.equal(router.match("GET", "/containers/a/b/logs"), null);
  });

  it("HEAD falls back to GET; other methods report a method mismatch", () => {
    assert.ok(router.match("HEAD", "/images/json") !== null);
    assert.equal(router.match("PUT", "/images/json"), "method");
  });
});

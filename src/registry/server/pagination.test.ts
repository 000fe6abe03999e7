import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { linkHeader, paginate, parsePageRequest } from "./pagination.ts";

describe("pagination", () => {
  const all = ["d", "b", "a", "c", "B"];
  it("sorts lexically (byte order) and pages with n and last", () => {
    assert.deepEqual(paginate(all, {}, "/p"), { items: ["B", "a", "b", "c", "d"] });
    assert.deepEqual(paginate(all, { n: 2 }, "/p"), { items: ["B", "a"], next: "/p?n=2&last=a" });
    assert.deepEqual(paginate(all, { n: 2, last: "a" }, "/p"), { items: ["b", "c"], next: "/p?n=2&last=c" });
    assert.deepEqual(paginate(all, { n: 2, last: "c" }, "/p"), { items: ["d"] });
    assert.deepEqual(paginate(all, { last: "zz" }, "/p"), { items: [] });
    assert.deepEqual(paginate(all, { n: 0 }, "/p"), { items: [] });
  });
  it("caps n at the limit and escapes last in the link", () => {
    assert.deepEqual(paginate(["a/b", "c"], { n: 5 }, "/v2/_catalog", 1), {
      items: ["a/b"],
      next: "/v2/_catalog?n=1&last=a%2Fb",
    });
    assert.equal(linkHeader("/x?n=1&last=a"), '</x?n=1&last=a>; rel="next"');
  });
  it("validates n", () => {
    assert.deepEqual(parsePageRequest(new URLSearchParams("n=3&last=x")), { n: 3, last: "x" });
    assert.deepEqual(parsePageRequest(new URLSearchParams("")), {});
    for (const q of ["n=-1", "n=abc", "n=1.5", "n=99999999999"])
      assert.equal(parsePageRequest(new URLSearchParams(q)), undefined, q);
  });
});

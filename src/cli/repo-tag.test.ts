import assert from "node:assert/strict";
import { it } from "node:test";
import { splitRepoTag } from "./repo-tag.ts";

it("splits repo and tag like the docker CLI", () => {
  assert.deepEqual(splitRepoTag("busybox"), { repo: "busybox", tag: "" });
  assert.deepEqual(splitRepoTag("busybox:1.36"), { repo: "busybox", tag: "1.36" });
  assert.deepEqual(splitRepoTag("localhost:5000/team/app"), { repo: "localhost:5000/team/app", tag: "" });
  assert.deepEqual(splitRepoTag("localhost:5000/team/app:v2"), {
    repo: "localhost:5000/team/app",
    tag: "v2",
  });
});

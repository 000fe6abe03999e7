import { test } from "node:test";
import assert from "node:assert/strict";
import { parseDockerfile } from "./dockerfile-parser.ts";
import { parseInstruction } from "./instructions.ts";
import { parseMount } from "./run-mount.ts";

const inst = parseInstruction(parseDockerfile("FROM x\nRUN true").root.children[1] ?? parseDockerfile("RUN x").root);

test("RUN --mount: types, targets, read-only binds, cache ids", () => {
  assert.deepEqual(parseMount("type=cache,target=/root/.cache,id=pip,sharing=locked", inst), {
    type: "cache",
    target: "/root/.cache",
    source: "",
    id: "pip",
    from: "",
    rw: true,
  });
  assert.equal(parseMount("type=bind,source=src,target=/src", inst).rw, false);
  assert.equal(parseMount("type=bind,source=src,target=/src,rw", inst).rw, true);
  assert.equal(parseMount("target=dst", inst).target, "/dst", "bind is the default type");
  assert.equal(parseMount("type=bind,from=builder,src=/out,dst=/in", inst).from, "builder");
  assert.throws(() => parseMount("type=secret,id=x", inst), /unsupported mount type "secret"/);
  assert.throws(() => parseMount("type=tmpfs", inst), /mount target is required/);
  assert.throws(() => parseMount("type=cache,target=/c,bogus=1", inst), /unexpected key 'bogus'/);
});

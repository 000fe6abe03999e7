import { test } from "node:test";
import assert from "node:assert/strict";
import { parseRuntimeList, parseRuntimeState } from "./runtime-state.ts";

test("parses runc state output", () => {
  const state = parseRuntimeState({
    ociVersion: "1.0.2-dev",
    id: "c1",
    pid: 123,
    status: "running",
    bundle: "/b",
    rootfs: "/b/rootfs",
    created: "2026-01-01T00:00:00.000000000Z",
    owner: "",
  });
  assert.deepEqual(state, {
    id: "c1",
    pid: 123,
    status: "running",
    bundle: "/b",
    created: "2026-01-01T00:00:00.000000000Z",
  });
});

test("rejects unknown statuses and malformed output", () => {
  assert.throws(() => parseRuntimeState({ id: "c1", pid: 1, status: "zombie" }), {
    code: "RUNTIME_BAD_STATE",
  });
  assert.throws(() => parseRuntimeState("x"), { code: "RUNTIME_BAD_STATE" });
  assert.throws(() => parseRuntimeList({}), { code: "RUNTIME_BAD_STATE" });
});

test("runc list prints null when empty", () => {
  assert.deepEqual(parseRuntimeList(null), []);
  assert.equal(parseRuntimeList([{ id: "a", pid: 0, status: "stopped" }]).length, 1);
});

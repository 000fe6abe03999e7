import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DEFAULT_RUNTIME, Runc } from "./runc.ts";
import { containerTestsSkipReason } from "./test-bundle.ts";

const skip = await containerTestsSkipReason();

test("an unknown container is not-found, with argv and stderr in the cause", { skip }, async (t) => {
  const execRoot = await mkdtemp(join(tmpdir(), "berth-runc-"));
  t.after(() => rm(execRoot, { recursive: true, force: true }));
  const runc = new Runc({ runtime: DEFAULT_RUNTIME, execRoot });
  await assert.rejects(runc.state("nope"), (err: unknown) => {
    assert.ok(err instanceof Error);
    assert.equal((err as { code?: unknown }).code, "RUNTIME_CONTAINER_NOT_FOUND");
    assert.equal((err as { category?: unknown }).category, "not-found");
    const cause = err.cause as { argv: string[]; exitCode: number };
    assert.equal(cause.exitCode, 1);
    assert.ok(cause.argv.includes("state") && cause.argv.includes("--log-format=json"));
    return true;
  });
  await assert.rejects(runc.kill("nope", "TERM"), { code: "RUNTIME_CONTAINER_NOT_FOUND" });
});

test("other failures are internal and carry the runtime's JSON log message", { skip }, async (t) => {
  const execRoot = await mkdtemp(join(tmpdir(), "berth-runc-"));
  t.after(() => rm(execRoot, { recursive: true, force: true }));
  const runc = new Runc({ runtime: DEFAULT_RUNTIME, execRoot });
  // An id runc refuses before looking anything up.
  await assert.rejects(runc.start("bad/id"), (err: unknown) => {
    assert.equal((err as { code?: unknown }).code, "RUNTIME_FAILED");
    assert.match((err as Error).message, /invalid container ID format/);
    return true;
  });
});

test("list is empty on a fresh exec-root", { skip }, async (t) => {
  const execRoot = await mkdtemp(join(tmpdir(), "berth-runc-"));
  t.after(() => rm(execRoot, { recursive: true, force: true }));
  assert.deepEqual(await new Runc({ runtime: DEFAULT_RUNTIME, execRoot }).list(), []);
});

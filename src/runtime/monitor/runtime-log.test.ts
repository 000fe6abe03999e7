import { test } from "node:test";
import assert from "node:assert/strict";
import { appendFile, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { lastRuntimeError, logOffset, parseRuntimeLog } from "./runtime-log.ts";

test("parses runc's JSON log lines and skips torn or foreign ones", () => {
  const text =
    '{"level":"warning","msg":"w","time":"2026-01-01T00:00:00Z"}\n' +
    "plain text\n" +
    '{"level":"error","msg":"container does not exist"}\n' +
    '{"level":"err';
  assert.deepEqual(parseRuntimeLog(text), [
    { level: "warning", msg: "w", time: "2026-01-01T00:00:00Z" },
    { level: "error", msg: "container does not exist" },
  ]);
});

test("lastRuntimeError reads only what was appended after the offset", async (t) => {
  const dir = await mkdtemp(join(tmpdir(), "berth-runtime-log-"));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const log = join(dir, "runtime.log");
  assert.equal(await logOffset(log), 0);
  assert.equal(await lastRuntimeError(log), undefined);
  await writeFile(log, '{"level":"error","msg":"old failure"}\n');
  const offset = await logOffset(log);
  assert.equal(await lastRuntimeError(log, offset), undefined);
  await appendFile(
    log,
    '{"level":"error","msg":"first"}\n{"level":"error","msg":"exec failed: no such file"}\n',
  );
  assert.equal(await lastRuntimeError(log, offset), "exec failed: no such file");
  assert.equal(await lastRuntimeError(log), "exec failed: no such file");
});

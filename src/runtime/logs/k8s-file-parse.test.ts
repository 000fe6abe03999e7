import { test } from "node:test";
import assert from "node:assert/strict";
import { K8sFileParser, PartialJoiner, type LogMessage } from "./k8s-file-parse.ts";

const T = "2026-11-28T04:29:04.123456789+00:00";

test("F, P and stderr lines; F keeps the newline, P drops conmon's", () => {
  const text = `${T} stdout F hello\n${T} stderr P par\n${T} stderr F tial\n${T} stdout F \n`;
  const records = new K8sFileParser().push(Buffer.from(text));
  assert.deepEqual(
    records.map((r) => [r.stream, r.partial, r.data.toString()]),
    [
      ["stdout", false, "hello\n"],
      ["stderr", true, "par"],
      ["stderr", false, "tial\n"],
      ["stdout", false, "\n"],
    ],
  );
  assert.equal(records[0]?.time, "2026-11-28T04:29:04.123456789Z");
  assert.equal(records[0]?.timeMs, Date.parse("2026-11-28T04:29:04.123Z"));
});

test("a local offset is converted to UTC", () => {
  const [r] = new K8sFileParser().push(Buffer.from("2026-01-01T01:30:00.000000001+02:00 stdout F x\n"));
  assert.equal(r?.time, "2025-12-31T23:30:00.000000001Z");
});

test("a line split across chunks waits; a cut last line is held back", () => {
  const p = new K8sFileParser();
  const line = Buffer.from(`${T} stdout F abcdef\n${T} stdout F ghi`);
  for (let cut = 1; cut < 50; cut++) {
    const q = new K8sFileParser();
    const out = [...q.push(line.subarray(0, cut)), ...q.push(line.subarray(cut))];
    assert.deepEqual(
      out.map((r) => r.data.toString()),
      ["abcdef\n"],
    );
    assert.ok(q.pending > 0);
  }
  assert.deepEqual(p.push(line).length, 1);
  p.reset();
  assert.equal(p.pending, 0);
});

test("malformed lines are skipped", () => {
  const out = new K8sFileParser().push(
    Buffer.from(`garbage\n${T} stdin F x\n${T} stdout X y\n${T} stdout F ok\n`),
  );
  assert.deepEqual(
    out.map((r) => r.data.toString()),
    ["ok\n"],
  );
});

test("partials join per stream, even interleaved; flush emits the rest", () => {
  const text =
    `${T} stdout P a\n2026-11-28T04:29:05.000000000+00:00 stderr F e\n` +
    `${T} stdout P b\n${T} stdout F c\n${T} stderr P tail`;
  const records = new K8sFileParser().push(Buffer.from(`${text}\n`));
  const j = new PartialJoiner();
  const out: LogMessage[] = [];
  for (const r of records) j.push(r, out);
  j.flush(out);
  assert.deepEqual(
    out.map((m) => [m.stream, m.data.toString()]),
    [
      ["stderr", "e\n"],
      ["stdout", "abc\n"],
      ["stderr", "tail"],
    ],
  );
  assert.equal(out[1]?.time, "2026-11-28T04:29:04.123456789Z");
});

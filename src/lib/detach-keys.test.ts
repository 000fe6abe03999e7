import assert from "node:assert/strict";
import { test } from "node:test";
import { DetachMatcher, parseDetachKeys } from "./detach-keys.ts";

test("parses Docker's detach key syntax", () => {
  assert.deepEqual([...parseDetachKeys("ctrl-p,ctrl-q")], [16, 17]);
  assert.deepEqual([...parseDetachKeys("ctrl-@,ctrl-[,ctrl-_,a")], [0, 27, 31, 97]);
  assert.deepEqual([...parseDetachKeys("ctrl-A")], [1]);
  assert.throws(() => parseDetachKeys("ctrl-1"), /Invalid detach keys \(ctrl-1\) provided/);
  assert.throws(() => parseDetachKeys("abc"), /Invalid detach keys/);
  assert.throws(() => parseDetachKeys(""), /Invalid detach keys/);
});

test("matches a sequence across chunks and passes everything else through", () => {
  const m = new DetachMatcher(Buffer.from([16, 17]));
  assert.deepEqual(m.feed(Buffer.from("ab")), { pass: Buffer.from("ab"), detach: false });
  assert.deepEqual(m.feed(Buffer.from([120, 16])), { pass: Buffer.from([120]), detach: false });
  assert.deepEqual(m.feed(Buffer.from([17, 99])), { pass: Buffer.alloc(0), detach: true });
  const n = new DetachMatcher(Buffer.from([16, 17]));
  // ctrl-p then something else: the ctrl-p was meant for the program.
  assert.deepEqual(n.feed(Buffer.from([16, 65])), { pass: Buffer.from([16, 65]), detach: false });
  assert.deepEqual(n.feed(Buffer.from([16, 16, 17])), { pass: Buffer.from([16]), detach: true });
});

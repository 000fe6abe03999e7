import assert from "node:assert/strict";
import { test } from "node:test";
import { parseSignal } from "./parse-signal.ts";

test("parseSignal: names with or without SIG, any case, numbers", () => {
  assert.equal(parseSignal("SIGTERM"), 15);
  assert.equal(parseSignal("term"), 15);
  assert.equal(parseSignal("Kill"), 9);
  assert.equal(parseSignal("9"), 9);
  assert.equal(parseSignal("SIGUSR1"), 10);
  assert.equal(parseSignal("CLD"), 17);
  assert.equal(parseSignal("POLL"), 29);
  assert.equal(parseSignal("RTMIN"), 34);
  assert.equal(parseSignal("SIGRTMIN+3"), 37);
  assert.equal(parseSignal("RTMAX-1"), 63);
  assert.equal(parseSignal("RTMAX"), 64);
});

test("parseSignal: Docker's 'Invalid signal' for unknown names, 0 and junk", () => {
  for (const raw of ["FOO", "SIGFOO", "0", "", "SIG", "-9", "1.5", "RTMIN+16", "RTMAX+1", "RTMIN-1"]) {
    assert.throws(() => parseSignal(raw), { message: `Invalid signal: ${raw}` }, raw);
  }
});

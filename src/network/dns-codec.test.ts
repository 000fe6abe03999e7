import assert from "node:assert/strict";
import { test } from "node:test";
import { buildAnswer, buildQuery, parseAnswers, parseQuery, RCODE_NXDOMAIN, TYPE_AAAA } from "./dns-codec.ts";

test("a query round-trips through parse and answer", () => {
  const q = buildQuery(0x1234, "Web.Example");
  const parsed = parseQuery(q);
  assert.ok(parsed);
  assert.equal(parsed.name, "web.example");
  assert.equal(parsed.type, 1);
  const answer = buildAnswer(q, parsed, ["10.1.2.3", "10.1.2.4"]);
  assert.equal(answer.readUInt16BE(0), 0x1234);
  assert.equal(answer.readUInt16BE(2) & 0x8000, 0x8000);
  assert.deepEqual(parseAnswers(answer), { rcode: 0, addresses: ["10.1.2.3", "10.1.2.4"] });
});

test("NXDOMAIN and AAAA without records", () => {
  const q = buildQuery(7, "nope", TYPE_AAAA);
  const parsed = parseQuery(q);
  assert.ok(parsed);
  assert.equal(parsed.type, TYPE_AAAA);
  assert.deepEqual(parseAnswers(buildAnswer(q, parsed, [], RCODE_NXDOMAIN)), { rcode: 3, addresses: [] });
});

test("malformed and response messages are not queries", () => {
  assert.equal(parseQuery(Buffer.alloc(5)), undefined);
  const q = buildQuery(1, "a");
  const truncated = q.subarray(0, q.length - 3);
  assert.equal(parseQuery(truncated), undefined);
  const response = Buffer.from(q);
  response.writeUInt16BE(0x8100, 2);
  assert.equal(parseQuery(response), undefined);
});

test("AAAA records carry the 16 address bytes", () => {
  const q = buildQuery(9, "web", TYPE_AAAA);
  const parsed = parseQuery(q);
  assert.ok(parsed);
  const answer = buildAnswer(q, parsed, ["fd00:1::2"]);
  assert.equal(answer.length, q.length + 12 + 16);
  assert.deepEqual(parseAnswers(answer), { rcode: 0, addresses: ["fd00:1::2"] });
});

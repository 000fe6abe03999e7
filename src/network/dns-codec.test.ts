import assert from "node:assert/strict";
import { test } from "node:test";
import {
  buildAnswer,
  buildAnswerWithin,
  buildQuery,
  parseAnswers,
  parseQuery,
  RCODE_NXDOMAIN,
  TYPE_AAAA,
  UDP_MESSAGE_LIMIT,
} from "./dns-codec.ts";

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

test("UDP answers too big for 512 bytes are cut and flagged TC", () => {
  const q = buildQuery(3, "many");
  const parsed = parseQuery(q);
  assert.ok(parsed);
  const few = ["10.0.0.1", "10.0.0.2"];
  assert.deepEqual(buildAnswerWithin(q, parsed, few, UDP_MESSAGE_LIMIT), buildAnswer(q, parsed, few));
  const many = Array.from({ length: 60 }, (_, i) => `10.0.${i}.1`);
  const cut = buildAnswerWithin(q, parsed, many, UDP_MESSAGE_LIMIT);
  assert.ok(cut.length <= UDP_MESSAGE_LIMIT);
  assert.equal(cut.readUInt16BE(2) & 0x0200, 0x0200);
  const { addresses } = parseAnswers(cut);
  assert.equal(addresses.length, Math.floor((UDP_MESSAGE_LIMIT - q.length) / 16));
  assert.deepEqual(addresses, many.slice(0, addresses.length));
});

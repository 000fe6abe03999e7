import assert from "node:assert/strict";
import { test } from "node:test";
import { DnsStreamDecoder, frameDnsMessage, MAX_TCP_MESSAGE } from "./dns-tcp-framing.ts";

test("frames carry a two-byte big-endian length", () => {
  const framed = frameDnsMessage(Buffer.from("abc"));
  assert.deepEqual(framed, Buffer.from([0, 3, 0x61, 0x62, 0x63]));
  assert.equal(frameDnsMessage(Buffer.alloc(MAX_TCP_MESSAGE + 1)), undefined);
  assert.equal(frameDnsMessage(Buffer.alloc(MAX_TCP_MESSAGE))?.readUInt16BE(0), MAX_TCP_MESSAGE);
});

test("the decoder splits joined messages and joins split ones", () => {
  const a = frameDnsMessage(Buffer.from("first")) ?? Buffer.alloc(0);
  const b = frameDnsMessage(Buffer.from("second message")) ?? Buffer.alloc(0);
  const c = frameDnsMessage(Buffer.alloc(0)) ?? Buffer.alloc(0);
  const all = Buffer.concat([a, b, c]);

  const joined = new DnsStreamDecoder().push(all);
  assert.deepEqual(joined.map(String), ["first", "second message", ""]);

  // One byte at a time: each message comes out exactly once, when its last byte arrives.
  const decoder = new DnsStreamDecoder();
  const out: string[] = [];
  for (const byte of all) out.push(...decoder.push(Buffer.from([byte])).map(String));
  assert.deepEqual(out, ["first", "second message", ""]);
  assert.equal(decoder.buffered, 0);

  const partial = new DnsStreamDecoder();
  assert.deepEqual(partial.push(b.subarray(0, 5)), []);
  assert.equal(partial.buffered, 5);
});

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  FrameDecoder,
  MultiplexedSplitter,
  OPCODE,
  closeFrame,
  encodeFrame,
  validWebsocketKey,
  websocketAccept,
} from "./websocket.ts";

/** A client frame (§5.3: masked). */
function clientFrame(opcode: number, payload: Buffer, fin = true, mask = Buffer.from([1, 2, 3, 4])): Buffer {
  const masked = Buffer.from(payload.map((b, i) => b ^ (mask[i & 3] ?? 0)));
  const len = payload.length;
  const head =
    len < 126
      ? Buffer.from([(fin ? 0x80 : 0) | opcode, 0x80 | len])
      : Buffer.from([(fin ? 0x80 : 0) | opcode, 0x80 | 126, len >> 8, len & 0xff]);
  return Buffer.concat([head, mask, masked]);
}

describe("websocket", () => {
  it("computes RFC 6455's sample accept value and checks keys", () => {
    assert.equal(websocketAccept("dGhlIHNhbXBsZSBub25jZQ=="), "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
    assert.equal(validWebsocketKey("dGhlIHNhbXBsZSBub25jZQ=="), true);
    assert.equal(validWebsocketKey("short"), false);
    assert.equal(validWebsocketKey(undefined), false);
  });

  it("encodes unmasked server frames of every length form", () => {
    assert.deepEqual(encodeFrame(OPCODE.binary, Buffer.from("hi")), Buffer.from([0x82, 2, 0x68, 0x69]));
    const mid = encodeFrame(OPCODE.text, Buffer.alloc(300));
    assert.deepEqual([...mid.subarray(0, 4)], [0x81, 126, 1, 44]);
    const big = encodeFrame(OPCODE.binary, Buffer.alloc(70_000));
    assert.equal(big[1], 127);
    assert.equal(big.readBigUInt64BE(2), 70_000n);
    assert.deepEqual(closeFrame(1000), Buffer.from([0x88, 2, 0x03, 0xe8]));
  });

  it("decodes masked client frames split anywhere, fragments and control frames", () => {
    const bytes = Buffer.concat([
      clientFrame(OPCODE.text, Buffer.from("hel"), false),
      clientFrame(OPCODE.ping, Buffer.from("p")),
      clientFrame(OPCODE.continuation, Buffer.from("lo")),
      clientFrame(OPCODE.binary, Buffer.alloc(200, 7)),
      clientFrame(OPCODE.close, Buffer.from([0x03, 0xe8])),
    ]);
    const d = new FrameDecoder();
    const frames = [];
    for (let i = 0; i < bytes.length; i += 3) frames.push(...d.push(bytes.subarray(i, i + 3)));
    assert.deepEqual(frames, [
      { kind: "data", payload: Buffer.from("hel") },
      { kind: "ping", payload: Buffer.from("p") },
      { kind: "data", payload: Buffer.from("lo") },
      { kind: "data", payload: Buffer.alloc(200, 7) },
      { kind: "close", status: 1000 },
    ]);
  });

  it("refuses unmasked frames, stray continuations, big control frames and oversized frames", () => {
    assert.deepEqual(new FrameDecoder().push(Buffer.from([0x82, 1, 0x41])), [
      { kind: "error", status: 1002, reason: "client frames must be masked" },
    ]);
    assert.equal(
      new FrameDecoder().push(clientFrame(OPCODE.continuation, Buffer.from("x")))[0]?.kind,
      "error",
    );
    assert.equal(new FrameDecoder().push(clientFrame(OPCODE.ping, Buffer.alloc(126)))[0]?.kind, "error");
    assert.deepEqual(new FrameDecoder(100).push(clientFrame(OPCODE.binary, Buffer.alloc(200))), [
      { kind: "error", status: 1009, reason: "frame too large" },
    ]);
  });

  it("splits the multiplexed stream into raw payloads", () => {
    const frame = (t: number, s: string): Buffer => {
      const h = Buffer.alloc(8);
      h[0] = t;
      h.writeUInt32BE(Buffer.byteLength(s), 4);
      return Buffer.concat([h, Buffer.from(s)]);
    };
    const all = Buffer.concat([frame(1, "out\n"), frame(2, "err\n")]);
    const s = new MultiplexedSplitter();
    const out = [...s.push(all.subarray(0, 5)), ...s.push(all.subarray(5, 13)), ...s.push(all.subarray(13))];
    assert.equal(Buffer.concat(out).toString(), "out\nerr\n");
  });
});

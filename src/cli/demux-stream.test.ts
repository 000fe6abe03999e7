import assert from "node:assert/strict";
import { PassThrough } from "node:stream";
import { it } from "node:test";
import { demuxStream } from "./demux-stream.ts";

const frame = (stream: number, text: string): Buffer => {
  const header = Buffer.alloc(8);
  header[0] = stream;
  header.writeUInt32BE(Buffer.byteLength(text), 4);
  return Buffer.concat([header, Buffer.from(text)]);
};

const collect = (s: PassThrough): string => s.read()?.toString() ?? "";

it("splits frames onto stdout and stderr, across chunk boundaries", async () => {
  const all = Buffer.concat([frame(1, "out\n"), frame(2, "err\n"), frame(1, "more\n")]);
  const chunks = [all.subarray(0, 5), all.subarray(5, 13), all.subarray(13)];
  const out = new PassThrough();
  const err = new PassThrough();
  await demuxStream(chunks, out, err, false);
  assert.equal(collect(out), "out\nmore\n");
  assert.equal(collect(err), "err\n");
});

it("passes a TTY stream through", async () => {
  const out = new PassThrough();
  await demuxStream([Buffer.from("raw")], out, new PassThrough(), true);
  assert.equal(collect(out), "raw");
});

it("raises a daemon error frame", async () => {
  await assert.rejects(demuxStream([frame(3, "boom")], new PassThrough(), new PassThrough(), false), /boom/);
});

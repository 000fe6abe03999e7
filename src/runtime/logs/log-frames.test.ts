import { test } from "node:test";
import assert from "node:assert/strict";
import { decodeLogFrames, encodeLogFrames } from "./log-frames.ts";
import type { LogMessage } from "./k8s-file-parse.ts";

const messages: LogMessage[] = [
  { stream: "stdout", data: Buffer.from("out\n"), time: "2024-01-02T03:04:05.120000000Z", timeMs: 0 },
  { stream: "stderr", data: Buffer.from("err"), time: "2024-01-02T03:04:05.000000001Z", timeMs: 0 },
];

test("non-TTY: 8-byte header, stream id, big-endian length", () => {
  const buf = encodeLogFrames(messages, { tty: false, timestamps: false });
  assert.deepEqual(
    [...buf],
    [1, 0, 0, 0, 0, 0, 0, 4, ...Buffer.from("out\n"), 2, 0, 0, 0, 0, 0, 0, 3, ...Buffer.from("err")],
  );
  const { frames, rest } = decodeLogFrames(buf);
  assert.deepEqual(
    frames.map((f) => [f.stream, f.data.toString()]),
    [
      [1, "out\n"],
      [2, "err"],
    ],
  );
  assert.equal(rest.length, 0);
});

test("timestamps: Docker's RFC3339NanoFixed (nine digits, trailing zeros kept) and a space", () => {
  const buf = encodeLogFrames(messages, { tty: false, timestamps: true });
  const { frames } = decodeLogFrames(buf);
  assert.deepEqual(
    frames.map((f) => f.data.toString()),
    ["2024-01-02T03:04:05.120000000Z out\n", "2024-01-02T03:04:05.000000001Z err"],
  );
});

test("consecutive messages of one stream share a frame", () => {
  const line = (stream: "stdout" | "stderr", data: string): LogMessage => ({
    stream,
    data: Buffer.from(data),
    time: "2024-01-02T03:04:05.000000000Z",
    timeMs: 0,
  });
  const buf = encodeLogFrames(
    [line("stdout", "a\n"), line("stdout", "b\n"), line("stderr", "c\n"), line("stdout", "d")],
    {
      tty: false,
      timestamps: true,
    },
  );
  const { frames, rest } = decodeLogFrames(buf);
  assert.equal(rest.length, 0);
  const t = "2024-01-02T03:04:05.000000000Z ";
  assert.deepEqual(
    frames.map((f) => [f.stream, f.data.toString()]),
    [
      [1, `${t}a\n${t}b\n`],
      [2, `${t}c\n`],
      [1, `${t}d`],
    ],
  );
});

test("TTY: raw bytes", () => {
  assert.equal(encodeLogFrames(messages, { tty: true, timestamps: false }).toString(), "out\nerr");
});

test("a cut frame stays in rest", () => {
  const buf = encodeLogFrames(messages, { tty: false, timestamps: false });
  const { frames, rest } = decodeLogFrames(buf.subarray(0, buf.length - 1));
  assert.equal(frames.length, 1);
  assert.equal(rest.length, 10);
});

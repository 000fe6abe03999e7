import assert from "node:assert/strict";
import { test } from "node:test";
import { streamLines } from "./stream-lines.ts";

async function linesOf(chunks: Buffer[]): Promise<string[]> {
  const out: string[] = [];
  for await (const line of streamLines(
    (async function* () {
      yield* chunks;
    })(),
  ))
    out.push(line);
  return out;
}

test("lines across chunks, blank lines skipped, the last one without a newline kept", async () => {
  const chunks = ['{"a":1}\n{"b"', ':2}\r\n\n  \n{"c":3}'].map((s) => Buffer.from(s));
  assert.deepEqual(await linesOf(chunks), ['{"a":1}', '{"b":2}', '{"c":3}']);
});

test("a UTF-8 character split between chunks is decoded whole", async () => {
  const bytes = Buffer.from('{"s":"é€"}\n');
  assert.deepEqual(await linesOf([bytes.subarray(0, 7), bytes.subarray(7)]), ['{"s":"é€"}']);
});

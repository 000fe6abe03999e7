import { test } from "node:test";
import assert from "node:assert/strict";
import { PassThrough } from "node:stream";
import { parseSyncMessage, readSyncMessage } from "./sync-pipe.ts";

test("parses conmon's api-version 1 messages", () => {
  assert.deepEqual(parseSyncMessage('{"data": 4242}'), { data: 4242 });
  assert.deepEqual(parseSyncMessage('{"data": -1, "message": "runc create failed: oops\\n"}'), {
    data: -1,
    message: "runc create failed: oops\n",
  });
  assert.equal(parseSyncMessage('{"pid": 1}'), undefined);
  assert.equal(parseSyncMessage("not json"), undefined);
});

test("reads the first line even when it arrives in pieces", async () => {
  const stream = new PassThrough();
  const message = readSyncMessage(stream);
  stream.write('{"da');
  stream.write('ta": 17}\n{"data": 3}\n');
  assert.deepEqual(await message, { data: 17 });
});

test("a pipe closed without a message gives undefined", async () => {
  const stream = new PassThrough();
  const message = readSyncMessage(stream);
  stream.end();
  assert.equal(await message, undefined);
});

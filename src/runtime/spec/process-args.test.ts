import { test } from "node:test";
import assert from "node:assert/strict";
import { EngineError } from "../../lib/index.ts";
import { processArgs } from "./process-args.ts";

const image = { imageEntrypoint: ["/entry.sh"], imageCmd: ["serve", "--port=80"] };

test("Docker's entrypoint and command rules", () => {
  assert.deepEqual(processArgs(image), ["/entry.sh", "serve", "--port=80"]);
  assert.deepEqual(processArgs({ ...image, cmd: ["debug"] }), ["/entry.sh", "debug"]);
  assert.deepEqual(processArgs({ ...image, cmd: [] }), ["/entry.sh", "serve", "--port=80"]);
  // --entrypoint drops the image's CMD.
  assert.deepEqual(processArgs({ ...image, entrypoint: ["/bin/sh"] }), ["/bin/sh"]);
  assert.deepEqual(processArgs({ ...image, entrypoint: ["/bin/sh"], cmd: ["-c", "id"] }), [
    "/bin/sh",
    "-c",
    "id",
  ]);
  // --entrypoint '' clears it.
  assert.deepEqual(processArgs({ ...image, entrypoint: [""], cmd: ["ls"] }), ["ls"]);
  assert.deepEqual(processArgs({ imageCmd: ["sh"] }), ["sh"]);
});

test("no command at all is Docker's error", () => {
  assert.throws(
    () => processArgs({ ...image, entrypoint: [] }),
    (err: unknown) => err instanceof EngineError && err.message === "No command specified",
  );
});

import assert from "node:assert/strict";
import { it } from "node:test";
import { ApiError } from "../client/index.ts";
import { UsageError } from "./flags.ts";
import { runStatusError } from "./run-status-error.ts";

const help = "\n\nRun 'berth run --help' for more information";

it("prefixes daemon errors as docker run does and exits 125", () => {
  const e = runStatusError(new ApiError(404, "No such image: nosuch:latest"));
  assert.equal(e.message, `berth: Error response from daemon: No such image: nosuch:latest${help}`);
  assert.equal(e.status, 125);
});

it("exits 127 for a command that is not found, 126 for one that cannot be executed", () => {
  const notFound =
    'runc create failed: unable to start container process: exec: "nope": executable file not found in $PATH';
  assert.equal(runStatusError(new ApiError(500, notFound)).status, 127);
  assert.equal(runStatusError(new ApiError(500, "exec: /x: no such file or directory")).status, 127);
  assert.equal(runStatusError(new ApiError(500, "exec: /etc: permission denied")).status, 126);
  assert.equal(runStatusError(new ApiError(500, "exec: /etc: is a directory")).status, 126);
});

it("keeps client errors' own text and usage errors as they are", () => {
  const down = runStatusError(
    new Error("Cannot connect to the berth daemon at unix:///x. Is the berth daemon running?"),
  );
  assert.equal(
    down.message,
    `berth: Cannot connect to the berth daemon at unix:///x. Is the berth daemon running?${help}`,
  );
  assert.equal(down.status, 125);
  const usage = new UsageError("invalid restart policy format", 125);
  assert.equal(runStatusError(usage), usage);
});

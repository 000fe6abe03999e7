import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { startFailureExitCode } from "./start-failure-exit-code.ts";

describe("startFailureExitCode", () => {
  it("maps runc's start errors as moby does", () => {
    assert.equal(
      startFailureExitCode('exec: "/nonexistent": stat /nonexistent: no such file or directory'),
      127,
    );
    assert.equal(startFailureExitCode('exec: "x": executable file not found in $PATH'), 127);
    assert.equal(startFailureExitCode('exec: "/etc/passwd": permission denied'), 126);
    assert.equal(
      startFailureExitCode("error during container init: mkdir /etc/passwd: not a directory"),
      128,
    );
  });
});

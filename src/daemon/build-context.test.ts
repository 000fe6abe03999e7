import { test } from "node:test";
import assert from "node:assert/strict";
import { cleanContextPath, unpackError } from "./build-context.ts";

test("tar's failure: a full disk is the daemon's problem, a bad member the client's", () => {
  const full = unpackError(
    "tar: ./big: Cannot write: No space left on device\ntar: Exiting with failure status due to previous errors\n",
  );
  assert.equal(full.code, "BUILD_CONTEXT_NO_SPACE");
  assert.equal(full.category, "internal");
  assert.match(
    full.message,
    /no space left on device while unpacking the build context: \.\/big: Cannot write/,
  );
  const bad = unpackError(
    "tar: Removing leading `/' from member names\ntar: x/../../y: Member name contains '..'\n",
  );
  assert.equal(bad.category, "invalid-argument");
  assert.equal(bad.message, "invalid build context archive: x/../../y: Member name contains '..'");
  assert.equal(unpackError("").message, "invalid build context archive: unreadable");
});

test("a Dockerfile path must stay inside the context", () => {
  assert.equal(cleanContextPath("/sub/Dockerfile"), "sub/Dockerfile");
  assert.throws(() => cleanContextPath("../Dockerfile"), /forbidden path outside the build context/);
});

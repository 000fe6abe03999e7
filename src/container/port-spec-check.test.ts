import assert from "node:assert/strict";
import { test } from "node:test";
import { validatePortBindings } from "./port-spec-check.ts";

test("validatePortBindings: ports, ranges and empty host ports pass", () => {
  validatePortBindings(undefined);
  validatePortBindings({ "80/tcp": [{ HostPort: "" }, { HostPort: "8080" }], "53/udp": null });
  validatePortBindings({ "7000-7001/tcp": [{ HostPort: "9000-9001" }] });
});

test("validatePortBindings: moby's 'invalid port specification'", () => {
  assert.throws(() => validatePortBindings({ "80/tcp": [{ HostPort: "99999" }] }), {
    message: 'invalid port specification: "99999"',
  });
  assert.throws(() => validatePortBindings({ "abc/tcp": [] }), {
    message: 'invalid port specification: "abc"',
  });
  assert.throws(() => validatePortBindings({ "80/tcp": [{ HostPort: "x" }] }), {
    message: 'invalid port specification: "x"',
  });
  assert.throws(() => validatePortBindings({ "90-80/tcp": [] }), {
    message: 'invalid port specification: "90-80"',
  });
});

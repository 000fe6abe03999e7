import assert from "node:assert/strict";
import { test } from "node:test";
import {
  generateVolumeName,
  validateDriver,
  validateLocalOptions,
  validateVolumeName,
} from "./volume-name.ts";

test("volume names follow the local driver's rules", () => {
  for (const ok of ["ab", "a1", "my_vol.v2-x", "0a"]) validateVolumeName(ok);
  assert.throws(() => validateVolumeName("a"), { message: /too short/ });
  for (const bad of ["-ab", "a/b", "/abs", "a b", ".ab"]) {
    assert.throws(() => validateVolumeName(bad), {
      message: /includes invalid characters/,
      code: "INVALID_VOLUME_NAME",
    });
  }
  assert.match(generateVolumeName(), /^[0-9a-f]{64}$/);
});

test("only the local driver and its mount options", () => {
  validateDriver("local");
  assert.throws(() => validateDriver("nfs"), {
    message: 'error looking up volume plugin nfs: plugin "nfs" not found',
  });
  validateLocalOptions({});
  validateLocalOptions({ type: "tmpfs", device: "tmpfs", o: "size=1m" });
  assert.throws(() => validateLocalOptions({ size: "1g" }), { message: 'invalid option key: "size"' });
  assert.throws(() => validateLocalOptions({ o: "size=1m" }), { message: 'missing required option: "type"' });
});

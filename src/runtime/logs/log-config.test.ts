import { test } from "node:test";
import assert from "node:assert/strict";
import { DEFAULT_LOG_MAX_FILES, DEFAULT_LOG_MAX_SIZE, parseLogConfig, parseLogSize } from "./log-config.ts";

test("defaults rotate: 4 × 64 MiB", () => {
  assert.deepEqual(parseLogConfig(undefined), {
    driver: "json-file",
    maxSize: DEFAULT_LOG_MAX_SIZE,
    maxFiles: DEFAULT_LOG_MAX_FILES,
  });
  assert.equal(DEFAULT_LOG_MAX_SIZE * DEFAULT_LOG_MAX_FILES >= 100e6, true);
});

test("max-size and max-file as Docker parses them", () => {
  assert.deepEqual(parseLogConfig("local", { "max-size": "10m", "max-file": "3" }), {
    driver: "local",
    maxSize: 10 * 1024 * 1024,
    maxFiles: 3,
  });
  assert.equal(parseLogSize("512k"), 512 * 1024);
  assert.equal(parseLogSize("1.5g"), 1.5 * 1024 ** 3);
  assert.equal(parseLogSize("100"), 100);
  assert.equal(parseLogSize("ten"), undefined);
});

test("bad drivers and options are invalid-argument", () => {
  for (const [driver, opts] of [
    ["syslog", {}],
    ["json-file", { "max-file": "0" }],
    ["json-file", { "max-size": "huge" }],
    ["json-file", { nope: "1" }],
    ["none", { "max-size": "1m" }],
  ] as const) {
    assert.throws(() => parseLogConfig(driver, opts), {
      category: "invalid-argument",
      code: "INVALID_LOG_CONFIG",
    });
  }
});

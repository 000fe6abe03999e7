import { test } from "node:test";
import assert from "node:assert/strict";
import { apiTimeToLogTime, toLogTime } from "./log-time.ts";

test("toLogTime: any fraction length and offset", () => {
  assert.equal(toLogTime("2024-01-02T03:04:05Z")?.time, "2024-01-02T03:04:05.000000000Z");
  assert.equal(toLogTime("2024-01-02T03:04:05.5-01:00")?.time, "2024-01-02T04:04:05.500000000Z");
  assert.equal(toLogTime("2024-01-02T03:04:05.5-01:00")?.timeMs, Date.parse("2024-01-02T04:04:05.5Z"));
  assert.equal(toLogTime("yesterday"), undefined);
  assert.equal(toLogTime("2024-01-02T03:04:05.1234567891Z"), undefined);
});

test("apiTimeToLogTime: the docker CLI's seconds.nanos and RFC 3339", () => {
  assert.equal(apiTimeToLogTime("1704164645"), "2024-01-02T03:04:05.000000000Z");
  assert.equal(apiTimeToLogTime("1704164645.000000123"), "2024-01-02T03:04:05.000000123Z");
  assert.equal(apiTimeToLogTime("1704164645.5"), "2024-01-02T03:04:05.500000000Z");
  assert.equal(apiTimeToLogTime("2024-01-02T03:04:05Z"), "2024-01-02T03:04:05.000000000Z");
  assert.equal(apiTimeToLogTime("-1"), undefined);
});

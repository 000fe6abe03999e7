import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { EventLog } from "./event-log.ts";

describe("EventLog", () => {
  it("ends a subscription at its until even when no event comes", async () => {
    const log = new EventLog();
    log.publish("container", "create", "a");
    for (const ahead of [1, 20, 60]) {
      const until = (Date.now() + ahead) * 1e6;
      const seen: string[] = [];
      const started = Date.now();
      for await (const e of log.subscribe(() => true, 0, until, new AbortController().signal))
        seen.push(e.Action);
      assert.deepEqual(seen, ["create"]);
      assert.ok(Date.now() * 1e6 >= until, "ended before its until");
      assert.ok(Date.now() - started < 5000);
    }
  });
});

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { EventMessage, prettyEvent } from "./event-message.ts";
import { goJSON } from "./go-template.ts";

describe("EventMessage", () => {
  const line =
    '{"Type":"container","Action":"start","Actor":{"ID":"abc","Attributes":{"name":"c1","image":"busybox"}},"scope":"local","time":1795855446,"timeNano":1795855446131000001}';
  it("prints docker's default line with nine fraction digits and sorted attributes", () => {
    const prev = process.env.TZ;
    process.env.TZ = "UTC";
    try {
      assert.equal(
        prettyEvent(new EventMessage(line)),
        "2026-11-28T08:44:06.131000001Z container start abc (image=busybox, name=c1)\n",
      );
    } finally {
      if (prev === undefined) delete process.env.TZ;
      else process.env.TZ = prev;
    }
  });
  it("keeps the exact timeNano and the JSON tags of events.Message", () => {
    const e = new EventMessage(line);
    assert.equal(e.TimeNano, 1795855446131000001n);
    assert.equal(
      goJSON(
        new EventMessage(
          '{"status":"start","id":"abc","Type":"container","Action":"start","Actor":{"ID":"abc","Attributes":{}},"scope":"local","time":5}',
        ),
      ),
      '{"status":"start","id":"abc","Type":"container","Action":"start","Actor":{"ID":"abc","Attributes":{}},"scope":"local","time":5}',
    );
  });
});

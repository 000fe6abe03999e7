import assert from "node:assert/strict";
import { test } from "node:test";
import { deepFreeze, recordJsonText, stringifyList, withJsonText } from "./json-text.ts";

test("stringifyList gives JSON.stringify's text, recorded items or not", () => {
  const a = withJsonText({ Id: "a", Labels: { x: "1" }, Tags: ["t:1"], n: 1.5 });
  const b = { Id: "b", Labels: {}, Tags: [], n: -1 };
  const items = [a, b, null, "s", 3];
  assert.equal(stringifyList(items), JSON.stringify(items));
  assert.equal(stringifyList([]), "[]");
});

test("a recorded object is frozen all the way down", () => {
  const a = withJsonText({ Labels: { x: "1" }, Tags: ["t"] });
  assert.throws(() => {
    (a.Labels as Record<string, string>).y = "2";
  }, TypeError);
  assert.throws(() => (a.Tags as string[]).push("u"), TypeError);
  assert.equal(stringifyList([a]), '[{"Labels":{"x":"1"},"Tags":["t"]}]');
});

test("recordJsonText serves the text given for the object", () => {
  const v = deepFreeze({ Status: "Up 1 second" });
  recordJsonText(v, JSON.stringify(v));
  assert.equal(stringifyList([v, v]), JSON.stringify([v, v]));
});

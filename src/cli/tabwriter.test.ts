import assert from "node:assert/strict";
import { test } from "node:test";

import { charWidth, displayWidth, tabwrite } from "./tabwriter.ts";

test("docker settings: min width 10, padding 3, spaces", () => {
  const cases: [string, string][] = [
    ["", ""],
    ["a\tb\nccc\td\n", "a         b\nccc       d\n"],
    ["aaaaaaaaaaaa\tb\nc\td\n", "aaaaaaaaaaaa   b\nc              d\n"],
    // A trailing tab makes the last cell part of a column, so it is padded.
    ["a\t\n", "a         \n"],
    ["a\tb", "a         b"],
    ["\t\tx\n", "                    x\n"],
    // A line without tabs ends the column block: the next block is measured afresh.
    ["aaaaaaaaaaaaaaaa\tb\nplain\nc\td\n", "aaaaaaaaaaaaaaaa   b\nplain\nc         d\n"],
    ["a\n\nb\n", "a\n\nb\n"],
  ];
  for (const [input, want] of cases) assert.equal(tabwrite(input), want, JSON.stringify(input));
});

test("columns are blocks of consecutive lines (the text/tabwriter doc example)", () => {
  const input = "aaaa\tbbb\td\naa\tb\tdd\na\t\naa\tcccc\teee\n";
  assert.equal(
    tabwrite(input, { minWidth: 0, padding: 1 }),
    "aaaa bbb d\naa   b   dd\na    \naa   cccc eee\n",
  );
});

test("align right, debug bars and other padding characters", () => {
  assert.equal(
    tabwrite("a\tbbb\nccc\td\n", { minWidth: 0, padding: 1, alignRight: true }),
    "   abbb\n cccd\n",
  );
  assert.equal(tabwrite("a\tb\n", { debug: true }), "a         |b\n");
  assert.equal(tabwrite("a\tb\n", { padChar: ".", minWidth: 4, padding: 1 }), "a...b\n");
});

test("wide characters count two columns", () => {
  assert.equal(tabwrite("世界\tx\n日本語テキスト\ty\n"), "世界             x\n日本語テキスト   y\n");
  assert.equal(displayWidth("t🐳st"), 5);
  assert.equal(displayWidth("e\u0301"), 1);
  assert.equal(displayWidth("\x1b"), 0);
  assert.equal(charWidth(0xac00), 2);
  assert.equal(charWidth(0xff01), 2);
  assert.equal(charWidth(0x41), 1);
});

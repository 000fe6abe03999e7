import assert from "node:assert/strict";
import { test } from "node:test";
import { memoByChanges } from "./changes-memo.ts";

test("memoByChanges builds again only when the change count moves, never inside a transaction", async () => {
  let count: number | undefined = 1;
  let builds = 0;
  const get = memoByChanges(
    () => count,
    () => ++builds,
  );
  assert.equal(await get(), 1);
  assert.equal(await get(), 1);
  count = 2;
  assert.equal(await get(), 2);
  assert.equal(await get(), 2);
  count = undefined; // in a transaction: built each time, not kept
  assert.equal(await get(), 3);
  assert.equal(await get(), 4);
  count = 2; // the value built at 2 is still the one kept
  assert.equal(await get(), 2);
});

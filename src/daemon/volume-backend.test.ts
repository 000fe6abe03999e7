import assert from "node:assert/strict";
import { test } from "node:test";
import type { VolumeRecord } from "../volume/index.ts";
import { listPredicate, prunePredicate } from "./volume-backend.ts";

const vol = (name: string, labels: Record<string, string> = {}, anonymous = false): VolumeRecord => ({
  name,
  driver: "local",
  labels,
  options: {},
  createdAt: "2026-01-01T00:00:00Z",
  anonymous,
});
const vols = [vol("alpha", { a: "1" }), vol("beta", { a: "2", b: "" }), vol("f".repeat(64), {}, true)];
const names = (p: (v: VolumeRecord) => boolean): string[] => vols.filter(p).map((v) => v.name);

test("list filters: name regexp, label, driver, dangling", () => {
  const inUse = (n: string): boolean => n === "alpha";
  assert.deepEqual(names(listPredicate(new Map([["name", ["^al", "ta$"]]]), inUse)), ["alpha", "beta"]);
  assert.deepEqual(names(listPredicate(new Map([["label", ["a=2"]]]), inUse)), ["beta"]);
  assert.deepEqual(names(listPredicate(new Map([["label", ["a", "b"]]]), inUse)), ["beta"]);
  assert.deepEqual(names(listPredicate(new Map([["driver", ["other"]]]), inUse)), []);
  assert.deepEqual(names(listPredicate(new Map([["dangling", ["false"]]]), inUse)), ["alpha"]);
  assert.throws(() => listPredicate(new Map([["dangling", ["maybe"]]]), inUse), /invalid filter/);
});

test("prune filters: anonymous only unless all, label and label!", () => {
  assert.deepEqual(names(prunePredicate(new Map(), false)), ["f".repeat(64)]);
  assert.deepEqual(names(prunePredicate(new Map(), true)).length, 3);
  assert.deepEqual(
    names(
      prunePredicate(
        new Map([
          ["all", ["1"]],
          ["label!", ["a=1"]],
        ]),
        false,
      ),
    ),
    ["beta", "f".repeat(64)],
  );
  assert.deepEqual(
    names(
      prunePredicate(
        new Map([
          ["all", ["true"]],
          ["label", ["a"]],
        ]),
        false,
      ),
    ),
    ["alpha", "beta"],
  );
});

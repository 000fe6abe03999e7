import assert from "node:assert/strict";
import { test } from "node:test";

import { GoFloat, goStruct, hasMember, isPlainObject, kindOf, mapEntries, typeName } from "./go-value.ts";

test("kinds and Go type names", () => {
  class Ctx {
    Name = "x";
  }
  const cases: [unknown, string, string][] = [
    [null, "nil", "<nil>"],
    [undefined, "nil", "<nil>"],
    [true, "bool", "bool"],
    [3, "int", "int"],
    [3n, "int", "int64"],
    [1.5, "float", "float64"],
    [new GoFloat(2), "float", "float64"],
    ["s", "string", "string"],
    [["a"], "slice", "[]string"],
    [[1], "slice", "[]interface {}"],
    [{}, "map", "map[string]interface {}"],
    [new Map(), "map", "map[string]interface {}"],
    [Object.create(null), "map", "map[string]interface {}"],
    [new Ctx(), "struct", "Ctx"],
    [goStruct("types.Container", {}), "struct", "types.Container"],
    [() => 1, "func", "func"],
  ];
  for (const [v, kind, name] of cases) {
    assert.equal(kindOf(v), kind, name);
    assert.equal(typeName(v), name, kind);
  }
  assert.equal(isPlainObject(goStruct("T", { a: 1 })), false);
});

test("map entries sort like Go", () => {
  assert.deepEqual(
    mapEntries({ b: 1, a: 2, B: 3 }).map(([k]) => k),
    ["B", "a", "b"],
  );
  assert.deepEqual(
    mapEntries(
      new Map<number, string>([
        [10, "x"],
        [9, "y"],
      ]),
    ).map(([k]) => k),
    [9, 10],
  );
});

test("struct members include getters and methods but not Object.prototype", () => {
  class C {
    get G(): number {
      return 1;
    }
    M(): number {
      return 2;
    }
  }
  const c = new C();
  assert.equal(hasMember(c, "G"), true);
  assert.equal(hasMember(c, "M"), true);
  assert.equal(hasMember(c, "toString"), false);
  assert.equal(hasMember(c, "constructor"), true);
});

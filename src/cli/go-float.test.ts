import assert from "node:assert/strict";
import { test } from "node:test";

import { exactDecimal, formatFloat } from "./go-float.ts";

test("strconv.FormatFloat", () => {
  const cases: [number, "e" | "E" | "f" | "g" | "G", number, string][] = [
    [0, "g", -1, "0"],
    [-0, "g", -1, "-0"],
    [1e21, "g", -1, "1e+21"],
    [123456, "g", -1, "123456"],
    [1234567, "g", -1, "1.234567e+06"],
    [0.0001, "g", -1, "0.0001"],
    [0.00001, "g", -1, "1e-05"],
    [1.0625, "g", 4, "1.062"], // an exact tie rounds to even
    [1.0635, "g", 4, "1.063"], // 1.06349999... in binary
    [2.5, "f", 0, "2"],
    [3.5, "f", 0, "4"],
    [0.5, "f", 0, "0"],
    [999.99, "g", 4, "1000"],
    [999999, "g", 3, "1e+06"],
    [1.5, "e", 0, "2e+00"],
    [1e100, "e", 2, "1.00e+100"],
    [5e-324, "g", -1, "5e-324"],
    [Infinity, "f", 2, "+Inf"],
    [-Infinity, "g", -1, "-Inf"],
    [NaN, "e", 3, "NaN"],
    [0.006, "f", 2, "0.01"],
    [0.004, "f", 2, "0.00"],
    [9.9995, "f", 3, "9.999"],
    [123.456, "E", 2, "1.23E+02"],
    [123.456, "G", 2, "1.2E+02"],
  ];
  for (const [x, fmt, prec, want] of cases)
    assert.equal(formatFloat(x, fmt, prec), want, `${x} ${fmt} ${prec}`);
});

test("exact decimal expansion of doubles", () => {
  assert.deepEqual(exactDecimal(0.5), { digits: "5", dp: 0 });
  assert.deepEqual(exactDecimal(1024), { digits: "1024", dp: 4 });
  assert.deepEqual(exactDecimal(0.1), {
    digits: "1000000000000000055511151231257827021181583404541015625",
    dp: 0,
  });
  assert.deepEqual(exactDecimal(0), { digits: "", dp: 0 });
  assert.equal(exactDecimal(5e-324).dp, -323);
});

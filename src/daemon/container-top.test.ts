import assert from "node:assert/strict";
import { it } from "node:test";
import { filterPsOutput } from "./container-top.ts";

it("keeps the container's rows and the command with its spaces", () => {
  const out = [
    "UID          PID    PPID  C STIME TTY          TIME CMD",
    "root           1       0  0 03:00 ?        00:00:01 /sbin/init",
    "root        4242    4200  0 03:01 ?        00:00:00 sh -c sleep 1000",
  ].join("\n");
  const top = filterPsOutput(out, [4242]);
  assert.deepEqual(top.Titles, ["UID", "PID", "PPID", "C", "STIME", "TTY", "TIME", "CMD"]);
  assert.deepEqual(top.Processes, [
    ["root", "4242", "4200", "0", "03:01", "?", "00:00:00", "sh -c sleep 1000"],
  ]);
});

it("needs a PID column", () => {
  assert.throws(() => filterPsOutput("USER CMD\nroot x", [1]), /Couldn't find PID field/);
});

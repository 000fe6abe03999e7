import { test } from "node:test";
import assert from "node:assert/strict";
import { containerEnv, DEFAULT_PATH, replaceOrAppendEnv } from "./env.ts";

test("PATH default, HOSTNAME, HOME last", () => {
  assert.deepEqual(containerEnv({ hostname: "abc", home: "/root" }), [
    `PATH=${DEFAULT_PATH}`,
    "HOSTNAME=abc",
    "HOME=/root",
  ]);
});

test("image env then user env, replacing by name; TERM with a tty", () => {
  assert.deepEqual(
    containerEnv({
      imageEnv: ["PATH=/opt/bin:/bin", "LANG=C", "HOME=/srv"],
      userEnv: ["LANG=C.UTF-8", "FOO=bar", "HOSTNAME=custom"],
      hostname: "abc",
      tty: true,
      home: "/root",
    }),
    ["PATH=/opt/bin:/bin", "HOSTNAME=custom", "TERM=xterm", "LANG=C.UTF-8", "HOME=/srv", "FOO=bar"],
  );
});

test("a name without a value removes the variable", () => {
  assert.deepEqual(replaceOrAppendEnv(["A=1", "B=2"], ["A", "C=3"]), ["B=2", "C=3"]);
});

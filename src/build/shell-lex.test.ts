// Golden tables from reference/dockerfile/testdata/shell (moby's envVarTest and wordsTest),
// read as they are and checked line by line.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { envMap, processWord, processWords } from "./shell-lex.ts";

// The repository sits beside `shared/` (main) or one level deeper (worktrees): look upwards.
function testdata(): URL {
  for (let up = "../../"; up.length < 40; up += "../") {
    const url = new URL(`${up}shared/reference/dockerfile/testdata/shell/`, import.meta.url);
    if (existsSync(url)) return url;
  }
  throw new Error("reference/dockerfile/testdata not found beside the repository");
}
const dir = testdata();
const read = (name: string): string[] => readFileSync(new URL(name, dir), "utf8").split("\n");

test("envVarTest: every Unix/All row expands as Docker's lexer does", () => {
  const env = envMap(["PWD=/home", "SHELL=bash", "KOREAN=한국어", "NULL="]);
  let checked = 0;
  read("envVarTest").forEach((raw, i) => {
    if (raw.startsWith("#")) return;
    const line = raw.trim();
    if (line === "") return;
    const parts = line.split("|");
    assert.equal(parts.length, 3, `line ${i + 1}`);
    const [platform, source, expected] = parts.map((p) => p.trim()) as [string, string, string];
    if (platform === "W") return;
    checked++;
    if (expected === "error") {
      assert.throws(() => processWord(source, env), { name: "EngineError" }, `line ${i + 1}: ${source}`);
    } else {
      assert.equal(processWord(source, env), expected, `line ${i + 1}: ${source}`);
    }
  });
  assert.ok(checked > 200);
});

test("wordsTest: splitting into words after expansion", () => {
  const envs: string[] = [];
  let checked = 0;
  read("wordsTest").forEach((line, i) => {
    if (line.startsWith("#") || line === "") return;
    if (line.startsWith("ENV ")) {
      envs.push(line.slice(3).replace(/^ +/, ""));
      return;
    }
    const parts = line.split("|");
    assert.equal(parts.length, 2, `line ${i + 1}`);
    const source = (parts[0] ?? "").trim();
    const expected = (parts[1] ?? "").replace(/^ +/, "").split(",");
    let result: string[];
    try {
      result = processWords(source, envMap(envs));
    } catch {
      result = ["error"];
    }
    checked++;
    assert.deepEqual(result, expected, `line ${i + 1}: ${source}`);
  });
  assert.ok(checked > 20);
});

test("modifiers beyond the tables: -, +, ?, #, ##, %, %%, /, //", () => {
  const env = envMap(["a=foo.tar.gz", "e=", "p=/usr/local/bin"]);
  const cases: [string, string][] = [
    ["${u-def}", "def"],
    ["${e-def}", ""],
    ["${e:-def}", "def"],
    ["${u+alt}", ""],
    ["${e+alt}", "alt"],
    ["${e:+alt}", ""],
    ["${a#*.}", "tar.gz"],
    ["${a##*.}", "gz"],
    ["${a%.*}", "foo.tar"],
    ["${a%%.*}", "foo"],
    ["${p/local/opt}", "/usr/opt/bin"],
    ["${p//\\//:}", ":usr:local:bin"],
    ["${a/o/0}", "f0o.tar.gz"],
    ["${a//o/0}", "f00.tar.gz"],
    ["${a#[fg]o}", "o.tar.gz"],
  ];
  for (const [src, want] of cases) assert.equal(processWord(src, env), want, src);
  assert.throws(() => processWord("${u:?need u}", env), /u: need u/);
  assert.throws(() => processWord("${e:?}", env), /e: is not allowed to be empty/);
  assert.throws(() => processWord("${u?}", env), /failed to process "\$\{u\?\}": u: is not allowed to be unset/);
  assert.equal(processWord("`$a", env, { escapeToken: "`" }), "$a");
});

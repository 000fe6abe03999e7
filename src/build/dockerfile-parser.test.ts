// Golden cases from reference/dockerfile/testdata/parser: every testfiles/<case>/Dockerfile must
// dump to its `result`; every testfiles-negative/<case>/Dockerfile must be refused.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dump, parseDockerfile } from "./dockerfile-parser.ts";

// The repository sits beside `shared/` (main) or one level deeper (worktrees): look upwards.
function testdata(): URL {
  for (let up = "../../"; up.length < 40; up += "../") {
    const url = new URL(`${up}shared/reference/dockerfile/testdata/parser/`, import.meta.url);
    if (existsSync(url)) return url;
  }
  throw new Error("reference/dockerfile/testdata not found beside the repository");
}
const base = testdata();

for (const name of readdirSync(new URL("testfiles/", base))) {
  test(`parser golden: ${name}`, () => {
    const dir = new URL(`testfiles/${name}/`, base);
    const df = readFileSync(new URL("Dockerfile", dir), "utf8");
    const want = readFileSync(new URL("result", dir), "utf8").replace(/\r\n/g, "\n");
    const got = dump(parseDockerfile(df).root) + "\n";
    assert.equal(got, want);
  });
}

for (const name of readdirSync(new URL("testfiles-negative/", base))) {
  test(`parser refuses: ${name}`, () => {
    const df = readFileSync(new URL(`testfiles-negative/${name}/Dockerfile`, base), "utf8");
    assert.throws(() => parseDockerfile(df));
  });
}

test("heredocs: content, chomp, quoted delimiter, several per line", () => {
  const r = parseDockerfile(
    [
      "FROM busybox",
      "RUN <<EOF",
      "echo $HOME",
      "EOF",
      "COPY <<-'END' /a.txt",
      "\t\tkeep $X",
      "\tEND",
      "RUN <<A cat /dev/stdin && <<B cat",
      "one",
      "A",
      "two",
      "B",
      "CMD true",
    ].join("\n"),
  );
  const [, run, copy, run2, cmd] = r.root.children;
  assert.deepEqual(run?.heredocs, [{ name: "EOF", content: "echo $HOME\n", expand: true, chomp: false, fileDescriptor: 0 }]);
  assert.deepEqual(copy?.heredocs, [{ name: "END", content: "keep $X\n", expand: false, chomp: true, fileDescriptor: 0 }]);
  assert.deepEqual(
    run2?.heredocs.map((h) => [h.name, h.content]),
    [
      ["A", "one\n"],
      ["B", "two\n"],
    ],
  );
  assert.equal(cmd?.startLine, 13);
  assert.equal(run2?.startLine, 8);
  assert.throws(() => parseDockerfile("FROM x\nRUN <<EOF\nabc\n"), (e: Error & { line?: number }) => e.message === "unterminated heredoc" && e.line === 2);
});

test("directives: escape, syntax, check; duplicates and bad escape refused", () => {
  const r = parseDockerfile("# syntax=docker/dockerfile:1\n# check=skip=all\n# escape=`\nFROM a\nRUN x `\n  y\n");
  assert.equal(r.escapeToken, "`");
  assert.equal(r.directives.get("syntax"), "docker/dockerfile:1");
  assert.equal(r.directives.get("check"), "skip=all");
  assert.equal(dump(r.root), '(from "a")\n(run "x   y")');
  assert.throws(() => parseDockerfile("# escape=`\n# escape=\\\nFROM a"), /only one escape parser directive can be used/);
  assert.throws(() => parseDockerfile("# escape=x\nFROM a"), /invalid escape token 'x' does not match ` or \\/);
  assert.throws(() => parseDockerfile("FROM a\nENV x"), (e: Error & { line?: number }) => /ENV must have two arguments/.test(e.message) && e.line === 2);
});

test("flags: --mount, --network, --chown, --chmod, --link, --from, --platform", () => {
  const r = parseDockerfile(
    'FROM --platform=linux/amd64 busybox AS b\nRUN --mount=type=cache,target=/c --network=none echo hi\nCOPY --from=b --chown=1:2 --chmod=644 --link a b\n',
  );
  assert.deepEqual(
    r.root.children.map((c) => c.flags),
    [["--platform=linux/amd64"], ["--mount=type=cache,target=/c", "--network=none"], ["--from=b", "--chown=1:2", "--chmod=644", "--link"]],
  );
});

import { test } from "node:test";
import assert from "node:assert/strict";
import { IgnoreMatcher, parseDockerignore } from "./dockerignore.ts";

test("dockerignore: Docker's examples from the reference", () => {
  const m = new IgnoreMatcher(parseDockerignore("# comment\n*/temp*\n*/*/temp*\ntemp?\n**/*.go\n!keep.go\n/abs/\nsub/\n"));
  assert.ok(m.matches("somedir/temporary.txt"));
  assert.ok(m.matches("somedir/subdir/temporary.txt"));
  assert.ok(m.matches("tempa"));
  assert.ok(!m.matches("tempab"));
  assert.ok(m.matches("a/b/c/x.go"));
  assert.ok(m.matches("x.go"));
  assert.ok(!m.matches("keep.go"));
  assert.ok(m.matches("abs/file"));
  assert.ok(m.matches("sub/deep/file"));
  assert.ok(!m.matches("other/file"));
  assert.ok(!m.matches("comment"));
});

test("dockerignore: later patterns win; exceptions inside ignored dirs", () => {
  const m = new IgnoreMatcher(parseDockerignore("*.md\n!README*.md\nREADME-secret.md\n"));
  assert.ok(m.matches("a.md"));
  assert.ok(!m.matches("README.md"));
  assert.ok(m.matches("README-secret.md"));
  const d = new IgnoreMatcher(parseDockerignore("data\n!data/keep\n"));
  assert.ok(d.matches("data/x"));
  assert.ok(!d.matches("data/keep"));
});

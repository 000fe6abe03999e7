import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { IgnoreMatcher } from "./dockerignore.ts";
import { planCopy, resolveInRoot, type CopyRequest } from "./copy-plan.ts";

function tree(): string {
  const root = mkdtempSync(join(tmpdir(), "copy-plan-"));
  mkdirSync(join(root, "dir/sub"), { recursive: true });
  writeFileSync(join(root, "a.txt"), "a");
  writeFileSync(join(root, "b.txt"), "b");
  writeFileSync(join(root, "dir/c.txt"), "c");
  writeFileSync(join(root, "dir/sub/d.log"), "d");
  symlinkSync("a.txt", join(root, "link"));
  return root;
}
const base = (root: string, over: Partial<CopyRequest>): CopyRequest => ({
  sourceRoot: root,
  sources: [],
  dest: "/",
  workdir: "/",
  uid: 0,
  gid: 0,
  lookup: (p) => (p === "/" || p === "/existing" ? "dir" : undefined),
  instruction: "COPY",
  ...over,
});
const names = async (req: CopyRequest) => (await planCopy(req)).entries.map((e) => e.name);

test("a file to a new path, to a dir (trailing / or existing), globs, several sources", async () => {
  const root = tree();
  try {
    assert.deepEqual(await names(base(root, { sources: ["a.txt"], dest: "/x/y" })), ["x/", "x/y"]);
    assert.deepEqual(await names(base(root, { sources: ["a.txt"], dest: "/existing" })), ["existing/a.txt"]);
    assert.deepEqual(await names(base(root, { sources: ["*.txt"], dest: "/t/" })), ["t/", "t/a.txt", "t/b.txt"]);
    assert.deepEqual(await names(base(root, { sources: ["a.txt"], dest: "rel", workdir: "/w" })), ["w/", "w/rel"]);
    await assert.rejects(planCopy(base(root, { sources: ["a.txt", "b.txt"], dest: "/nodir" })), /must be a directory and end with a \//);
    await assert.rejects(planCopy(base(root, { sources: ["nope"], dest: "/" })), /file not found in build context/);
    await assert.rejects(planCopy(base(root, { sources: ["../etc/passwd"], dest: "/" })), /forbidden path outside the build context/);
    await assert.rejects(planCopy(base(root, { sources: ["*.none"], dest: "/" })), /no source files were specified/);
  } finally {
    rmSync(root, { recursive: true });
  }
});

test("a directory's contents (not the dir), ignore rules, symlinks kept, owner and mode", async () => {
  const root = tree();
  try {
    const plan = await planCopy(base(root, { sources: ["dir"], dest: "/d", uid: 5, gid: 6, chmod: 0o640 }));
    assert.deepEqual(plan.entries.map((e) => e.name), ["d/", "d/c.txt", "d/sub/", "d/sub/d.log"]);
    assert.ok(plan.entries.every((e) => e.uid === 5 && e.gid === 6));
    assert.equal(plan.entries.find((e) => e.name === "d/c.txt")?.mode, 0o640);
    const ignored = await names(base(root, { sources: ["."], dest: "/c/", ignore: new IgnoreMatcher(["**/*.log", "b.txt"]) }));
    assert.deepEqual(ignored, ["c/", "c/a.txt", "c/dir/", "c/dir/c.txt", "c/dir/sub/", "c/link"]);
    const excluded = await names(
      base(root, { sources: ["."], dest: "/e/", exclude: new IgnoreMatcher(["dir/sub", "*.txt"]) }),
    );
    assert.deepEqual(excluded, ["e/", "e/dir/", "e/dir/c.txt", "e/link"]);
    const link = (await planCopy(base(root, { sources: ["."], dest: "/l/" }))).entries.find((e) => e.name === "l/link");
    assert.equal(link?.type, "symlink");
  } finally {
    rmSync(root, { recursive: true });
  }
});

test("the content hash ignores mtimes and follows content", async () => {
  const root = tree();
  try {
    const req = base(root, { sources: ["."], dest: "/" });
    const h1 = (await planCopy(req)).hash;
    utimesSync(join(root, "a.txt"), new Date(0), new Date(0));
    assert.equal((await planCopy(req)).hash, h1);
    writeFileSync(join(root, "a.txt"), "changed");
    assert.notEqual((await planCopy(req)).hash, h1);
  } finally {
    rmSync(root, { recursive: true });
  }
});

test("symlinks resolve inside the source root: none leads to the host's files", async () => {
  const root = tree();
  try {
    symlinkSync("/etc", join(root, "escape"));
    symlinkSync("/etc/passwd", join(root, "abs"));
    symlinkSync("../../../../etc/passwd", join(root, "dots"));
    mkdirSync(join(root, "etc"));
    writeFileSync(join(root, "etc/passwd"), "context's own\n");
    assert.equal(resolveInRoot(root, "escape/passwd"), "etc/passwd");
    assert.equal(resolveInRoot(root, "abs"), "etc/passwd");
    assert.equal(resolveInRoot(root, "dots"), "etc/passwd");
    assert.equal(resolveInRoot(root, "dir/../link"), "a.txt");
    for (const src of ["escape/passwd", "abs", "dots"]) {
      const plan = await planCopy(base(root, { sources: [src], dest: "/out" }));
      const file = plan.entries.find((e) => e.name === "out");
      assert.ok(file && file.type === "file" && "path" in file && file.path === join(root, "etc/passwd"), src);
    }
    rmSync(join(root, "etc"), { recursive: true });
    await assert.rejects(planCopy(base(root, { sources: ["abs"], dest: "/out" })), /file not found in build context/);
  } finally {
    rmSync(root, { recursive: true });
  }
});

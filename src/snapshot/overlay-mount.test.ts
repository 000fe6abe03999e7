import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { isEngineError } from "../lib/index.ts";
import { mountOverlay, unmount } from "./overlay-mount.ts";

const tmp = mkdtempSync(join(tmpdir(), "berth-mount-"));
const mounted = new Set<string>();
after(async () => {
  for (const target of mounted) await unmount(target, { lazy: true }).catch(() => undefined);
  rmSync(tmp, { recursive: true, force: true });
});

function dir(...parts: string[]): string {
  const path = join(tmp, ...parts);
  mkdirSync(path, { recursive: true });
  return path;
}

async function withMount(target: string, mount: () => Promise<void>, check: () => void): Promise<void> {
  await mount();
  mounted.add(target);
  try {
    check();
  } finally {
    await unmount(target);
    mounted.delete(target);
  }
}

test("a single lower layer without upper is a read-only bind mount", async () => {
  const lower = dir("single", "lower");
  writeFileSync(join(lower, "f"), "only");
  const target = dir("single", "target");
  await withMount(
    target,
    () => mountOverlay({ lowerDirs: [lower], target }),
    () => {
      assert.equal(readFileSync(join(target, "f"), "utf8"), "only");
      assert.throws(() => writeFileSync(join(target, "g"), ""), { code: "EROFS" });
    },
  );
  assert.deepEqual(readdirSync(target), []);
});

test("many long lower paths are passed relative to their common parent", async () => {
  // 80 layers under a long common parent exceed one page of mount options as absolute paths.
  const lowers: string[] = [];
  for (let i = 0; i < 80; i++) {
    const lower = dir("many", "p".repeat(200), String(i).padStart(3, "0"), "fs");
    writeFileSync(join(lower, `file-${i}`), String(i));
    writeFileSync(join(lower, "shadowed"), String(i));
    lowers.push(lower);
  }
  assert.ok(lowers.join(":").length > 4096);
  const target = dir("many", "target");
  await withMount(
    target,
    () => mountOverlay({ lowerDirs: lowers, target }),
    () => {
      assert.equal(readdirSync(target).length, 81);
      assert.equal(readFileSync(join(target, "shadowed"), "utf8"), "0"); // the first is top-most
    },
  );
});

test("invalid requests are refused before mount runs", async () => {
  const target = dir("invalid");
  const invalid = (err: unknown): boolean => isEngineError(err) && err.code === "INVALID_MOUNT";
  await assert.rejects(mountOverlay({ lowerDirs: [], target }), invalid);
  await assert.rejects(mountOverlay({ lowerDirs: ["/a", "/b"], upperDir: "/u", target }), invalid);
  await assert.rejects(mountOverlay({ lowerDirs: ["/a,b", "/c"], target }), invalid);
});

test("a failing mount reports the command and its stderr (or the syscall and errno)", async () => {
  const target = dir("failing");
  await assert.rejects(
    mountOverlay({ lowerDirs: [join(tmp, "missing-1"), join(tmp, "missing-2")], target }),
    (err) =>
      isEngineError(err) &&
      err.code === "COMMAND_FAILED" &&
      // mount(8) when the addon lacks mount(2), else the native call's errno.
      /mount -t overlay .*exit code \d+|mount .*failing: ENOENT/.test(err.message),
  );
  await assert.rejects(unmount(target), (err) => isEngineError(err) && /umount/.test(err.message));
});

import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdir, mkdtemp, rename, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { readExit, waitForExit } from "./exit-file.ts";
import { execRootLayout, monitorPaths } from "./paths.ts";
import { join } from "node:path";

async function execRoot(t: { after: (fn: () => Promise<void>) => void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "berth-exit-"));
  t.after(() => rm(dir, { recursive: true, force: true }));
  await mkdir(execRootLayout(dir).exitDir, { recursive: true });
  await mkdir(monitorPaths(dir, "c1").dir, { recursive: true });
  return dir;
}

test("no exit file: the container has not exited", async (t) => {
  const root = await execRoot(t);
  assert.equal(await readExit(root, "c1"), undefined);
});

test("reads the exit-dir file, its time, and the oom marker", async (t) => {
  const root = await execRoot(t);
  const paths = monitorPaths(root, "c1");
  await writeFile(paths.exitDirFile, "137");
  await writeFile(paths.oomFile, "");
  const exit = await readExit(root, "c1");
  assert.equal(exit?.exitCode, 137);
  assert.equal(exit?.oomKilled, true);
  assert.ok(exit !== undefined && Math.abs(exit.finishedAt.getTime() - Date.now()) < 60_000);
});

test("falls back to the persist dir's exit file", async (t) => {
  const root = await execRoot(t);
  await writeFile(monitorPaths(root, "c1").exitFile, "0");
  assert.deepEqual((await readExit(root, "c1"))?.exitCode, 0);
});

test("waitForExit resolves when conmon writes the file later", async (t) => {
  const root = await execRoot(t);
  const waiting = waitForExit(root, "c1", { timeoutMs: 10_000, pollMs: 5_000 });
  // Written by rename, as conmon's g_file_set_contents does.
  const tmp = join(execRootLayout(root).exitDir, "c1.TMP123");
  await writeFile(tmp, "3");
  await rename(tmp, monitorPaths(root, "c1").exitDirFile);
  assert.equal((await waiting).exitCode, 3);
});

test("waitForExit resolves at once for an already exited container", async (t) => {
  const root = await execRoot(t);
  await writeFile(monitorPaths(root, "c1").exitDirFile, "1");
  assert.equal((await waitForExit(root, "c1", { timeoutMs: 1000 })).exitCode, 1);
});

test("waitForExit fails with EXIT_TIMEOUT after the deadline and honours abort", async (t) => {
  const root = await execRoot(t);
  await assert.rejects(waitForExit(root, "c1", { timeoutMs: 50 }), { code: "EXIT_TIMEOUT" });
  const controller = new AbortController();
  const waiting = waitForExit(root, "c1", { signal: controller.signal });
  controller.abort(new Error("stop waiting"));
  await assert.rejects(waiting, /stop waiting/);
});

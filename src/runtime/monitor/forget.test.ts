import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { scanMonitors } from "./adopt.ts";
import { forgetMonitor } from "./forget.ts";
import { execRootLayout, monitorPaths } from "./paths.ts";

test("forgetMonitor removes the exit record and the monitor dir", async (t) => {
  const execRoot = await mkdtemp(join(tmpdir(), "berth-forget-"));
  t.after(() => rm(execRoot, { recursive: true, force: true }));
  const paths = monitorPaths(execRoot, "c1");
  await mkdir(paths.dir, { recursive: true });
  await mkdir(execRootLayout(execRoot).exitDir, { recursive: true });
  await writeFile(paths.exitDirFile, "0");
  await writeFile(paths.exitFile, "0");
  await forgetMonitor(execRoot, "c1");
  await forgetMonitor(execRoot, "c1");
  assert.deepEqual(await scanMonitors({ execRoot }), []);
});

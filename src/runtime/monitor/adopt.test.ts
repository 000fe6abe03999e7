import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { readlink } from "node:fs/promises";
import { join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { listMonitored, scanMonitors } from "./adopt.ts";
import type { StartedContainer, StartContainerOptions } from "./conmon.ts";
import { waitForExit } from "./exit-file.ts";
import { processExists } from "./pid-file.ts";
import { DEFAULT_RUNTIME, Runc } from "./runc.ts";
import { containerTestsSkipReason, makeBundle, useContainerFixture } from "./test-bundle.ts";

const skip = await containerTestsSkipReason();
const fx = useContainerFixture("adopt", skip);

/** Starts the container from a separate Node process (a stand-in for berthd), then SIGKILLs it. */
async function startFromDoomedProcess(options: StartContainerOptions): Promise<StartedContainer> {
  const module = resolve("src/runtime/monitor/conmon.ts");
  const script =
    `import { startContainer } from ${JSON.stringify(module)};\n` +
    `const c = await startContainer(JSON.parse(process.env.START_OPTIONS));\n` +
    `process.stdout.write(JSON.stringify(c) + "\\n");\n` +
    `setInterval(() => {}, 1 << 30);\n`;
  const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
    env: { ...process.env, START_OPTIONS: JSON.stringify(options) },
    stdio: ["ignore", "pipe", "inherit"],
  });
  try {
    const lines = createInterface({ input: child.stdout });
    const [line] = (await once(lines, "line")) as [string];
    return JSON.parse(line) as StartedContainer;
  } finally {
    child.kill("SIGKILL");
    if (child.exitCode === null && child.signalCode === null) await once(child, "exit");
  }
}

test("conmon outlives the process that started it and is re-adopted", { skip }, async () => {
  const id = fx.newId("outlive");
  const bundle = await makeBundle(join(fx.tmp, id), fx.rootfs, id, { args: ["sleep", "1000"] });
  const container = await startFromDoomedProcess({
    id,
    bundle,
    execRoot: fx.execRoot,
    logPath: join(fx.tmp, `${id}.log`),
  });

  assert.ok(processExists(container.conmonPid), "conmon survived its starter");
  // conmon holds none of its starter's stdio.
  for (const fd of [0, 1, 2])
    assert.equal(await readlink(`/proc/${container.conmonPid}/fd/${fd}`), "/dev/null");
  const runc = new Runc({ runtime: DEFAULT_RUNTIME, execRoot: fx.execRoot });
  assert.equal((await runc.state(id)).status, "running");

  const monitored = await listMonitored({ execRoot: fx.execRoot });
  assert.deepEqual(
    monitored.map((c) => [c.id, c.status, c.conmonPid, c.state?.status, c.state?.pid]),
    [[id, "monitored", container.conmonPid, "running", container.pid]],
  );

  // The adopting process learns the exit conmon records.
  await runc.kill(id, "KILL");
  assert.equal((await waitForExit(fx.execRoot, id, { timeoutMs: 10_000 })).exitCode, 137);
  const [exited] = await scanMonitors({ execRoot: fx.execRoot });
  assert.equal(exited?.status, "exited");
  assert.equal(exited?.exit?.exitCode, 137);
  assert.deepEqual(await listMonitored({ execRoot: fx.execRoot }), []);
  await runc.delete(id);
});

test("a container whose conmon was killed is reported lost", { skip }, async () => {
  const id = fx.newId("lost");
  const bundle = await makeBundle(join(fx.tmp, id), fx.rootfs, id, { args: ["sleep", "1000"] });
  const container = await startFromDoomedProcess({
    id,
    bundle,
    execRoot: fx.execRoot,
    logPath: join(fx.tmp, `${id}.log`),
  });
  process.kill(container.conmonPid, "SIGKILL");
  const deadline = Date.now() + 5_000;
  while (processExists(container.conmonPid) && Date.now() < deadline)
    await new Promise((r) => setTimeout(r, 20));

  const entry = (await scanMonitors({ execRoot: fx.execRoot })).find((c) => c.id === id);
  assert.equal(entry?.status, "lost");
  assert.equal(entry?.state?.status, "running");
  await new Runc({ runtime: DEFAULT_RUNTIME, execRoot: fx.execRoot }).delete(id, true);
});

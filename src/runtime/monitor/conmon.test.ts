import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { scanMonitors } from "./adopt.ts";
import { startContainer } from "./conmon.ts";
import { readExit, waitForExit } from "./exit-file.ts";
import { processExists } from "./pid-file.ts";
import { DEFAULT_RUNTIME, Runc } from "./runc.ts";
import { containerTestsSkipReason, makeBundle, useContainerFixture } from "./test-bundle.ts";

const skip = await containerTestsSkipReason();
const fx = useContainerFixture("conmon", skip);

test("exit code and k8s-file log lines of a short container", { skip }, async () => {
  const id = fx.newId("short");
  const bundle = await makeBundle(join(fx.tmp, id), fx.rootfs, id, {
    args: ["sh", "-c", "echo out; echo err >&2; exit 3"],
  });
  const logPath = join(fx.tmp, `${id}.log`);
  const container = await startContainer({ id, bundle, execRoot: fx.execRoot, logPath });
  assert.ok(container.pid > 0 && container.conmonPid > 0);

  const exit = await waitForExit(fx.execRoot, id, { timeoutMs: 10_000 });
  assert.equal(exit.exitCode, 3);
  assert.equal(exit.oomKilled, false);

  const lines = (await readFile(logPath, "utf8")).trimEnd().split("\n");
  // <RFC 3339 nano time> <stream> <F full line | P partial> <text>
  const parsed = lines.map((l) => /^(\S+) (stdout|stderr) ([FP]) (.*)$/.exec(l)?.slice(2));
  assert.deepEqual(parsed.sort(), [
    ["stderr", "F", "err"],
    ["stdout", "F", "out"],
  ]);
  const runc = new Runc({ runtime: DEFAULT_RUNTIME, execRoot: fx.execRoot });
  assert.equal((await runc.state(id)).status, "stopped");
  await runc.delete(id);
  await assert.rejects(runc.state(id), { code: "RUNTIME_CONTAINER_NOT_FOUND" });
});

test("a running container: state, SIGTERM gives 143, delete", { skip }, async () => {
  const id = fx.newId("sleep");
  // Without a pid namespace sleep is not a namespace init, so the default SIGTERM action applies.
  const bundle = await makeBundle(join(fx.tmp, id), fx.rootfs, id, {
    args: ["sleep", "1000"],
    pidNamespace: false,
  });
  const container = await startContainer({
    id,
    bundle,
    execRoot: fx.execRoot,
    logPath: join(fx.tmp, `${id}.log`),
  });
  const runc = new Runc({ runtime: DEFAULT_RUNTIME, execRoot: fx.execRoot });

  const state = await runc.state(id);
  assert.equal(state.status, "running");
  assert.equal(state.pid, container.pid);
  assert.equal(await readExit(fx.execRoot, id), undefined);

  await runc.pause(id);
  assert.equal((await runc.state(id)).status, "paused");
  await runc.resume(id);
  assert.ok((await runc.list()).some((s) => s.id === id && s.status === "running"));

  await runc.kill(id, "SIGTERM");
  const exit = await waitForExit(fx.execRoot, id, { timeoutMs: 10_000 });
  assert.equal(exit.exitCode, 143);
  await runc.delete(id);
  // conmon leaves once it recorded the exit.
  const deadline = Date.now() + 5_000;
  while (processExists(container.conmonPid) && Date.now() < deadline)
    await new Promise((r) => setTimeout(r, 20));
  assert.equal(processExists(container.conmonPid), false);
});

test("a create failure reports the runtime's reason and leaves no container", { skip }, async () => {
  const id = fx.newId("bad");
  const bundle = await makeBundle(join(fx.tmp, id), fx.rootfs, id, { args: ["/no/such/binary"] });
  await assert.rejects(
    startContainer({ id, bundle, execRoot: fx.execRoot, logPath: join(fx.tmp, `${id}.log`) }),
    (err: unknown) => {
      assert.equal((err as { code?: unknown }).code, "MONITOR_FAILED");
      assert.match((err as Error).message, /no such file or directory/);
      return true;
    },
  );
  await assert.rejects(new Runc({ runtime: DEFAULT_RUNTIME, execRoot: fx.execRoot }).state(id), {
    code: "RUNTIME_CONTAINER_NOT_FOUND",
  });
  const leftovers = (await scanMonitors({ execRoot: fx.execRoot })).filter((c) => c.id === id);
  assert.deepEqual(leftovers, [], "no monitor files are left behind");
});

test("a missing runtime binary is reported as unavailable", { skip }, async () => {
  await assert.rejects(
    startContainer({
      id: "x",
      bundle: fx.tmp,
      execRoot: fx.execRoot,
      logPath: join(fx.tmp, "x.log"),
      runtime: "no-such-runtime",
    }),
    { code: "BINARY_NOT_FOUND", category: "unavailable" },
  );
});

// Against the real conmon + runc (root; skipped otherwise): what conmon writes reads back as the
// container wrote it, and rotation through conmon's control fifo loses nothing.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile, readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { startContainer } from "../monitor/conmon.ts";
import { waitForExit } from "../monitor/exit-file.ts";
import { containerTestsSkipReason, makeBundle, useContainerFixture } from "../monitor/test-bundle.ts";
import type { LogMessage } from "./k8s-file-parse.ts";
import { decodeLogFrames, encodeLogFrames } from "./log-frames.ts";
import { readLogs, type ReadLogsOptions } from "./log-reader.ts";
import { conmonCtlPath, rotatedLogPaths, watchLogRotation } from "./rotation.ts";

const skip = await containerTestsSkipReason();
const fx = useContainerFixture("logs", skip);

async function collect(paths: string[], options: Partial<ReadLogsOptions>): Promise<LogMessage[]> {
  const out: LogMessage[] = [];
  for await (const m of readLogs(paths, { follow: false, stdout: true, stderr: true, ...options }))
    out.push(m);
  return out;
}

const text = (ms: LogMessage[]): string[] => ms.map((m) => `${m.stream}:${m.data.toString()}`);

test("3 stdout and 2 stderr lines: all, tail, since, follow until exit, frames", { skip }, async () => {
  const id = fx.newId("lines");
  // The pause lets the follower start before the last lines; printf without newline ends in a P.
  const bundle = await makeBundle(join(fx.tmp, id), fx.rootfs, id, {
    args: [
      "sh",
      "-c",
      "echo o1; echo e1 >&2; echo o2; sleep 0.3; echo e2 >&2; sleep 0.1; printf 'o3 no newline'",
    ],
  });
  const logPath = join(fx.tmp, `${id}.log`);
  await startContainer({ id, bundle, execRoot: fx.execRoot, logPath });
  const exited = waitForExit(fx.execRoot, id, { timeoutMs: 10_000 }).then(() => undefined);
  const followed = await collect([logPath], { follow: true, exited, pollMs: 50 });
  const all = await collect([logPath], {});

  const byStream = (ms: LogMessage[], s: string): string[] => text(ms).filter((t) => t.startsWith(`${s}:`));
  assert.deepEqual(byStream(all, "stdout"), ["stdout:o1\n", "stdout:o2\n", "stdout:o3 no newline"]);
  assert.deepEqual(byStream(all, "stderr"), ["stderr:e1\n", "stderr:e2\n"]);
  assert.deepEqual(text(followed), text(all));
  // e2 was written after the pause: it is the second to last line.
  assert.deepEqual(text(await collect([logPath], { tail: 2 })), ["stderr:e2\n", "stdout:o3 no newline"]);
  const e2 = all.find((m) => m.data.toString() === "e2\n");
  assert.ok(e2 !== undefined);
  assert.deepEqual(text(await collect([logPath], { since: e2.time })), [
    "stderr:e2\n",
    "stdout:o3 no newline",
  ]);
  assert.deepEqual(text(await collect([logPath], { stdout: false })), ["stderr:e1\n", "stderr:e2\n"]);

  const { frames, rest } = decodeLogFrames(encodeLogFrames(all, { tty: false, timestamps: false }));
  assert.equal(rest.length, 0);
  assert.deepEqual(
    frames.map((f) => `${f.stream === 1 ? "stdout" : "stderr"}:${f.data.toString()}`),
    runsOfOneStream(text(all)),
  );
  const stamped = decodeLogFrames(encodeLogFrames(all, { tty: false, timestamps: true })).frames;
  assert.match(stamped[0]?.data.toString() ?? "", /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z (o1|e1)\n/);
});

test(
  "rotation through conmon's ctl fifo: files rotate, nothing is lost, size bounded",
  { skip },
  async () => {
    const id = fx.newId("rotate");
    const lines = 3000;
    // ~150 KiB per pause of 100 lines of ~100 bytes: several rotations at 64 KiB.
    const script =
      `i=0; while [ $i -lt ${lines} ]; do echo "line $i ${"x".repeat(90)}"; i=$((i+1)); ` +
      `[ $((i % 100)) = 0 ] && usleep 20000; done; true`;
    const bundle = await makeBundle(join(fx.tmp, id), fx.rootfs, id, { args: ["sh", "-c", script] });
    const logDir = join(fx.tmp, `${id}-logs`);
    const { mkdir } = await import("node:fs/promises");
    await mkdir(logDir);
    const logPath = join(logDir, "container.log");
    const maxSize = 64 * 1024;
    const maxFiles = 40;
    const rotator = watchLogRotation({
      path: logPath,
      ctlPath: conmonCtlPath(bundle),
      maxSize,
      maxFiles,
      pollMs: 10,
    });
    try {
      await startContainer({ id, bundle, execRoot: fx.execRoot, logPath });
      const exit = await waitForExit(fx.execRoot, id, { timeoutMs: 30_000 });
      assert.equal(exit.exitCode, 0);
    } finally {
      rotator.close();
    }
    const files = (await readdir(logDir)).filter((f) => f.startsWith("container.log"));
    assert.ok(files.length >= 4, `rotated files exist: ${files.join(" ")}`);
    for (const f of files) {
      // A batch of 100 lines is ~15 KiB; a check runs at least every 10 ms.
      const { size } = await stat(join(logDir, f));
      assert.ok(size < maxSize * 2, `${f} is ${size} bytes`);
    }
    const got = await collect(rotatedLogPaths(logPath, maxFiles), {});
    const numbers = got.map((m) => Number(/^line (\d+) /.exec(m.data.toString())?.[1]));
    assert.equal(numbers.length, lines, "every line is kept across rotations");
    assert.deepEqual(
      numbers,
      Array.from({ length: lines }, (_, i) => i),
    );
    assert.equal((await readFile(logPath)).length < maxSize * 2, true);
  },
);

/** "stream:data" texts with consecutive ones of the same stream joined, as frames carry them. */
function runsOfOneStream(texts: string[]): string[] {
  const runs: string[] = [];
  for (const t of texts) {
    const stream = t.slice(0, t.indexOf(":") + 1);
    const last = runs.at(-1);
    if (last?.startsWith(stream) === true) runs[runs.length - 1] = last + t.slice(stream.length);
    else runs.push(t);
  }
  return runs;
}

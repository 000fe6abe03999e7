import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { appendFile, mkdtemp, rename, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readLogs, type ReadLogsOptions } from "./log-reader.ts";
import { tailStart } from "./tail-offset.ts";

let dir = "";
before(async () => {
  dir = await mkdtemp(join(tmpdir(), "berth-logs-"));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

const ts = (s: number): string => `2024-01-02T03:04:${String(s).padStart(2, "0")}.000000000+00:00`;
const line = (s: number, text: string, stream = "stdout", tag = "F"): string =>
  `${ts(s)} ${stream} ${tag} ${text}\n`;

async function collect(paths: string[], options: Partial<ReadLogsOptions> = {}): Promise<string[]> {
  const out: string[] = [];
  for await (const m of readLogs(paths, { follow: false, stdout: true, stderr: true, ...options })) {
    out.push(`${m.stream}:${m.data.toString()}`);
  }
  return out;
}

test("tail across rotated files counts messages (P lines belong to the next F)", async () => {
  const a = join(dir, "t.log.1");
  const b = join(dir, "t.log");
  await writeFile(a, line(1, "one") + line(2, "tw", "stdout", "P"));
  await writeFile(
    b,
    line(2, "o") + line(3, "three", "stderr") + line(4, "fo", "stdout", "P") + line(4, "ur"),
  );
  assert.deepEqual(await tailStart([a, b], 0), { index: 1, offset: Buffer.byteLength(await read(b)) });
  assert.deepEqual(await collect([a, b], { tail: 2 }), ["stderr:three\n", "stdout:four\n"]);
  // A message cut by rotation is still one message.
  assert.deepEqual(await collect([a, b], { tail: 3 }), ["stdout:two\n", "stderr:three\n", "stdout:four\n"]);
  assert.deepEqual(await collect([a, b], { tail: 10 }), [
    "stdout:one\n",
    "stdout:two\n",
    "stderr:three\n",
    "stdout:four\n",
  ]);
  assert.deepEqual(await collect([a, b], { tail: 0 }), []);
  assert.deepEqual(await collect([join(dir, "missing"), b], { tail: "all", stderr: false }), [
    "stdout:o\n",
    "stdout:four\n",
  ]);
});

test("tail on a big file reads lines across chunk boundaries", async () => {
  const p = join(dir, "big.log");
  const lines: string[] = [];
  for (let i = 0; i < 20000; i++) lines.push(line(i % 60, `line ${i} ${"x".repeat(i % 97)}`));
  await writeFile(p, `${lines.join("")}${ts(1)} stdout F cut-off`);
  const got = await collect([p], { tail: 1500 });
  assert.equal(got.length, 1500);
  assert.equal(got[0], `stdout:line 18500 ${"x".repeat(18500 % 97)}\n`);
  assert.equal(got[1499], `stdout:line 19999 ${"x".repeat(19999 % 97)}\n`);
});

test("since and until are inclusive, by time", async () => {
  const p = join(dir, "time.log");
  await writeFile(p, line(1, "a") + line(2, "b") + line(3, "c") + line(4, "d"));
  const since = "2024-01-02T03:04:02.000000000Z";
  const until = "2024-01-02T03:04:03.000000000Z";
  assert.deepEqual(await collect([p], { since, until }), ["stdout:b\n", "stdout:c\n"]);
});

async function read(p: string): Promise<string> {
  const { readFile } = await import("node:fs/promises");
  return readFile(p, "utf8");
}

test("follow: growth, a line written in two parts, rotation by rename, exit", async () => {
  const p = join(dir, "f.log");
  await writeFile(p, line(1, "first"));
  let exit = (): void => undefined;
  const exited = new Promise<void>((resolve) => (exit = resolve));
  const got: string[] = [];
  let seen: () => void = () => undefined;
  const reader = (async () => {
    for await (const m of readLogs([p], { follow: true, stdout: true, stderr: true, exited, pollMs: 20 })) {
      got.push(m.data.toString());
      seen();
    }
  })();
  const waitFor = async (n: number): Promise<void> => {
    while (got.length < n) await new Promise<void>((resolve) => (seen = resolve));
  };
  await waitFor(1);
  // A writer mid-line: the half line waits for its end.
  await appendFile(p, `${ts(2)} stdout F sec`);
  await appendFile(p, "ond\n");
  await waitFor(2);
  // Rotation as conmon does it: old file renamed (and written a little more), then a new file.
  await rename(p, `${p}.1`);
  await appendFile(`${p}.1`, line(3, "late in old"));
  await writeFile(`${p}.tmp`, line(4, "new file"));
  await rename(`${p}.tmp`, p);
  await waitFor(4);
  await appendFile(p, line(5, "last"));
  exit();
  await reader;
  assert.deepEqual(got, ["first\n", "second\n", "late in old\n", "new file\n", "last\n"]);
});

test("follow ends on abort", async () => {
  const p = join(dir, "abort.log");
  await writeFile(p, line(1, "x"));
  const ac = new AbortController();
  const got: string[] = [];
  for await (const m of readLogs([p], { follow: true, stdout: true, stderr: true, signal: ac.signal })) {
    got.push(m.data.toString());
    ac.abort();
  }
  assert.deepEqual(got, ["x\n"]);
});

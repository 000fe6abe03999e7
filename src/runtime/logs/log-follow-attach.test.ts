// Following a log the way an attached terminal does: partial lines go out at once
// (joinPartials: false), and a follower that began before the log's directory existed (docker
// run attaches before the first start) is woken by file-system events, not by the poll tick.
import assert from "node:assert/strict";
import { appendFile, mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { readLogs } from "./log-reader.ts";

test("a follower started before the directory exists sees partial lines within moments", async () => {
  const base = await mkdtemp(join(tmpdir(), "berth-follow-"));
  const dir = join(base, "containers", "c");
  const path = join(dir, "container.log");
  const abort = new AbortController();
  try {
    // A poll tick far longer than the deadline below: only inotify can deliver in time.
    const reader = readLogs([path], {
      follow: true,
      stdout: true,
      stderr: true,
      joinPartials: false,
      pollMs: 60_000,
      signal: abort.signal,
    })[Symbol.asyncIterator]();
    const first = reader.next();
    await mkdir(dir, { recursive: true });
    await appendFile(path, "2024-01-02T03:04:05.000000000+00:00 stdout P / # \n");
    const started = Date.now();
    const got = await Promise.race([
      first,
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error("no wake-up within 5 s")), 5000)),
    ]);
    assert.equal(got.value?.data.toString(), "/ # ");
    // The next partial record (a typed character's echo) arrives on its own as well.
    const second = reader.next();
    await appendFile(path, "2024-01-02T03:04:05.100000000+00:00 stdout P a\n");
    const next = await Promise.race([
      second,
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error("no echo within 5 s")), 5000)),
    ]);
    assert.equal(next.value?.data.toString(), "a");
    assert.ok(Date.now() - started < 5000);
    abort.abort();
    await reader.return?.(undefined);
  } finally {
    abort.abort();
    await rm(base, { recursive: true, force: true });
  }
});

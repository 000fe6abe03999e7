// Streaming stats (GET /containers/{id}/stats, stream=1): one document a second from the shared
// sampler, each with the previous sample as precpu, read from the container's own cgroups.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { useBusyboxDaemon } from "../helpers/use-busybox-daemon.ts";

interface StatsDoc {
  id: string;
  read: string;
  preread: string;
  pids_stats: { current?: number; limit?: number };
  memory_stats: { usage?: number; limit?: number };
  cpu_stats: { cpu_usage: { total_usage: number } };
  precpu_stats: { cpu_usage: { total_usage: number } };
}

describe("streaming stats", () => {
  const daemon = useBusyboxDaemon();

  it("sends a document a second with precpu and the container's limits", async () => {
    const run = await daemon.docker([
      "run",
      "-d",
      "--pids-limit",
      "40",
      "-m",
      "64m",
      "busybox",
      "sh",
      "-c",
      "while :; do :; done",
    ]);
    assert.equal(run.code, 0, run.stderr);
    const id = run.stdout.trim();
    const res = await daemon.stream("GET", `/containers/${id}/stats?stream=1`);
    assert.equal(res.status, 200);
    const docs: StatsDoc[] = [];
    let buffered = "";
    for await (const chunk of res.response) {
      buffered += (chunk as Buffer).toString("utf8");
      let nl: number;
      while ((nl = buffered.indexOf("\n")) >= 0) {
        docs.push(JSON.parse(buffered.slice(0, nl)) as StatsDoc);
        buffered = buffered.slice(nl + 1);
      }
      if (docs.length >= 3) break;
    }
    res.response.destroy();
    const [, second, third] = docs;
    assert.ok(second && third);
    assert.equal(third.id, id);
    assert.equal(third.preread, second.read);
    assert.equal(third.precpu_stats.cpu_usage.total_usage, second.cpu_stats.cpu_usage.total_usage);
    // A busy loop: CPU time grows between samples.
    assert.ok(third.cpu_stats.cpu_usage.total_usage > second.cpu_stats.cpu_usage.total_usage);
    assert.equal(third.pids_stats.limit, 40);
    assert.ok((third.pids_stats.current ?? 0) >= 1);
    assert.equal(third.memory_stats.limit, 64 * 1024 * 1024);
    assert.ok((third.memory_stats.usage ?? 0) > 0);
  });
});

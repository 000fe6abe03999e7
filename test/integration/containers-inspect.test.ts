// docker diff, export and stats against berthd, through the real docker CLI.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { before, describe, test } from "node:test";
import { validateResponse } from "../helpers/swagger-validator.ts";
import { useBusyboxDaemon } from "../helpers/use-busybox-daemon.ts";

describe("diff, export and stats", () => {
  const daemon = useBusyboxDaemon({ removeContainers: false });
  let id: string;

  before(async () => {
    const run = await daemon.docker([
      "run",
      "-d",
      "busybox",
      "sh",
      "-c",
      "mkdir /added && echo hi > /added/f && rm /etc/passwd && touch /tmp/ready && sleep 1000",
    ]);
    assert.equal(run.code, 0, run.stderr);
    id = run.stdout.trim();
    for (const deadline = Date.now() + 10_000; Date.now() < deadline;) {
      if ((await daemon.docker(["exec", id, "test", "-f", "/tmp/ready"])).code === 0) break;
      await new Promise((r) => setTimeout(r, 50));
    }
  });

  test("docker diff lists additions, changes and deletions from the container's layer", async () => {
    const diff = await daemon.docker(["diff", id]);
    assert.equal(diff.code, 0, diff.stderr);
    const lines = diff.stdout.trim().split("\n");
    for (const want of ["A /added", "A /added/f", "C /etc", "D /etc/passwd"]) {
      assert.ok(lines.includes(want), `${want} in ${diff.stdout}`);
    }
    const api = await daemon.request("GET", `/containers/${id}/changes`);
    validateResponse("get", "/containers/{id}/changes", 200, api.json());
  });

  test("docker export writes the merged root filesystem as a tar", async () => {
    const out = join(daemon.dir, "export.tar");
    const exp = await daemon.docker(["export", "-o", out, id]);
    assert.equal(exp.code, 0, exp.stderr);
    const names = execFileSync("tar", ["-tf", out], { encoding: "utf8" }).split("\n");
    assert.ok(names.includes("added/f"), "the container's new file");
    assert.ok(
      names.some((n) => /^bin\/busybox$/.test(n)),
      "the image's files",
    );
    assert.ok(!names.includes("etc/passwd"), "a deleted file is not exported");
    const byBerth = join(daemon.dir, "berth-export.tar");
    const berth = await daemon.berth(["export", "-o", byBerth, id]);
    assert.equal(berth.code, 0, berth.stderr);
    assert.ok(execFileSync("tar", ["-tf", byBerth], { encoding: "utf8" }).split("\n").includes("added/f"));
  });

  test("docker stats --no-stream shows the container's memory and pids", async () => {
    const stats = await daemon.docker([
      "stats",
      "--no-stream",
      "--format",
      "{{.Container}} {{.MemUsage}} {{.PIDs}}",
      id,
    ]);
    assert.equal(stats.code, 0, stats.stderr);
    // {{.Container}} is the name or ID as given on the command line.
    assert.match(stats.stdout, new RegExp(`^${id} \\d+(\\.\\d+)?[KMG]i?B / .+ [1-9]\\d*\\n$`));
    const api = await daemon.request("GET", `/containers/${id}/stats?stream=false`);
    assert.equal(api.status, 200);
    const doc = api.json<{ memory_stats: { usage?: number }; pids_stats: { current?: number } }>();
    assert.ok((doc.memory_stats.usage ?? 0) > 0, JSON.stringify(doc.memory_stats));
    assert.ok((doc.pids_stats.current ?? 0) >= 1);
  });
});

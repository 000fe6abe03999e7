// docker system df -v (containers with their writable-layer size, volumes) and system prune
// (-f, --volumes, -a, --filter) through the real docker CLI, and berth's prompt.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { useBusyboxDaemon } from "../helpers/use-busybox-daemon.ts";

describe("system df and prune", () => {
  const daemon = useBusyboxDaemon({ volumes: true });

  const ids = async (): Promise<string[]> =>
    (await daemon.docker(["ps", "-aq", "--no-trunc"])).stdout.split("\n").filter(Boolean);
  const volumes = async (): Promise<string[]> =>
    (await daemon.docker(["volume", "ls", "-q"])).stdout.split("\n").filter(Boolean);

  it("df -v lists containers with their size; prune takes stopped containers and, with --volumes, their anonymous volumes", async () => {
    const wrote = await daemon.docker([
      "run",
      "--name",
      "writer",
      "-v",
      "/anon",
      "busybox",
      "sh",
      "-c",
      "head -c 300000 /dev/zero > /blob",
    ]);
    assert.equal(wrote.code, 0, wrote.stderr);
    const running = (
      await daemon.docker(["run", "-d", "-v", "/kept", "busybox", "sleep", "1000"])
    ).stdout.trim();
    const df = await daemon.docker(["system", "df", "-v"]);
    assert.equal(df.code, 0, df.stderr);
    const writerLine = df.stdout.split("\n").find((l) => l.endsWith(" writer"));
    assert.match(writerLine ?? "", /\s300kB\s/, df.stdout);
    const summary = await daemon.docker([
      "system",
      "df",
      "--format",
      "{{.Type}} {{.TotalCount}} {{.Active}}",
    ]);
    assert.match(summary.stdout, /^Containers 2 1$/m);

    // berth asks first; "n" keeps everything.
    const declined = await daemon.berth(["system", "prune"], { input: "n\n" });
    assert.equal(declined.code, 0);
    assert.match(declined.stdout, /WARNING! This will remove:\n {2}- all stopped containers\n/);
    assert.match(declined.stdout, /Are you sure you want to continue\? \[y\/N\] $/);
    assert.equal((await ids()).length, 2);

    const anonBefore = await volumes();
    assert.equal(anonBefore.length, 2);
    const pruned = await daemon.docker(["system", "prune", "-f", "--volumes"]);
    assert.equal(pruned.code, 0, pruned.stderr);
    assert.match(pruned.stdout, /^Deleted Containers:\n[0-9a-f]{64}\n/);
    assert.match(pruned.stdout, /Deleted Volumes:\n[0-9a-f]{64}\n/);
    const total = /Total reclaimed space: ([\d.]+)(k?B)/.exec(pruned.stdout);
    assert.ok(total && Number(total[1]) * (total[2] === "kB" ? 1000 : 1) >= 300_000, pruned.stdout);
    assert.deepEqual(await ids(), [running]);
    assert.equal((await volumes()).length, 1, "the running container's volume stays");
  });

  it("--filter label= and -a: only matching containers, images in use stay", async () => {
    assert.equal((await daemon.docker(["create", "--label", "tier=tmp", "busybox", "true"])).code, 0);
    const kept = (await daemon.docker(["create", "busybox", "true"])).stdout.trim();
    const before = await ids();
    const pruned = await daemon.berth(["system", "prune", "-f", "--filter", "label=tier=tmp"]);
    assert.equal(pruned.code, 0, pruned.stderr);
    assert.match(pruned.stdout, /Deleted Containers:\n[0-9a-f]{64}\n\nTotal reclaimed space: /);
    const after = await ids();
    assert.equal(after.length, before.length - 1);
    assert.ok(after.includes(kept));
    const all = await daemon.docker(["system", "prune", "-a", "-f"]);
    assert.equal(all.code, 0, all.stderr);
    assert.equal(
      (await daemon.docker(["image", "inspect", "busybox"])).code,
      0,
      "an image in use was pruned",
    );
  });
});

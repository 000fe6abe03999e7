// A volume with a `type=` mount (tmpfs here) used by a running container across a daemon
// restart: the container keeps running (live restore) and the restarted daemon adopts the
// volume's mount instead of mounting the device a second time, so a new container sees the same
// data; the mount goes when its last user does.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { useBusyboxDaemon } from "../helpers/use-busybox-daemon.ts";

const mounted = (path: string): boolean =>
  readFileSync("/proc/self/mountinfo", "utf8")
    .split("\n")
    .some((line) => line.split(" ")[4] === path);

describe("type= volumes across a daemon restart", () => {
  const daemon = useBusyboxDaemon();

  it("a re-adopted container's tmpfs volume is the one a new container gets", async () => {
    const create = await daemon.docker(["volume", "create", "-o", "type=tmpfs", "-o", "device=tmpfs", "rv"]);
    assert.equal(create.code, 0, create.stderr);
    const data = (await daemon.docker(["volume", "inspect", "-f", "{{.Mountpoint}}", "rv"])).stdout.trim();
    const run = await daemon.docker([
      "run",
      "-d",
      "--name",
      "keeper",
      "-v",
      "rv:/data",
      "busybox",
      "sh",
      "-c",
      "echo one > /data/f && exec sleep 1000",
    ]);
    assert.equal(run.code, 0, run.stderr);
    const deadline = Date.now() + 10_000;
    while ((await daemon.docker(["exec", "keeper", "cat", "/data/f"])).stdout.trim() !== "one") {
      assert.ok(Date.now() < deadline, "the container never wrote its file");
    }
    assert.ok(mounted(data), "the tmpfs is mounted while keeper runs");

    await daemon.restart();
    assert.equal(
      (await daemon.docker(["inspect", "-f", "{{.State.Running}}", "keeper"])).stdout.trim(),
      "true",
    );
    assert.ok(mounted(data), "the restarted daemon kept the mount keeper uses");
    const read = await daemon.docker(["run", "--rm", "-v", "rv:/data", "busybox", "cat", "/data/f"]);
    assert.equal(read.code, 0, read.stderr);
    assert.equal(read.stdout.trim(), "one", "a new container sees keeper's tmpfs, not a fresh one");
    assert.ok(mounted(data), "still mounted: keeper uses it");

    assert.equal((await daemon.docker(["rm", "-f", "keeper"])).code, 0);
    assert.equal(mounted(data), false, "unmounted with its last user");
    assert.equal((await daemon.docker(["volume", "rm", "rv"])).code, 0);
    assert.equal(mounted(join(data, "..")), false);
  });
});

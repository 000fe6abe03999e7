// What must survive: an OOM kill reported as Docker does, a daemon kill -9 between create and
// start and while a container runs (nothing lost, nothing leaked), and a 10 MB chunked create
// body answered with a 400 while the daemon keeps serving.
import assert from "node:assert/strict";
import { request } from "node:http";
import { join } from "node:path";
import { describe, it } from "node:test";
import { conmonsOf, mountsUnder } from "../helpers/leftovers.ts";
import { useBusyboxDaemon } from "../helpers/use-busybox-daemon.ts";

describe("crashes and limits", () => {
  const daemon = useBusyboxDaemon();

  it("an OOM kill shows OOMKilled and exit 137", async () => {
    const run = await daemon.docker([
      "run",
      "--name",
      "hog",
      "--memory",
      "8m",
      "--memory-swap",
      "8m",
      "busybox",
      "sh",
      "-c",
      "x=$(head -c 64m /dev/zero | tr '\\0' a); echo ${#x}",
    ]);
    assert.equal(run.code, 137, run.stderr);
    const state = await daemon.docker([
      "inspect",
      "--format",
      "{{.State.OOMKilled}} {{.State.ExitCode}}",
      "hog",
    ]);
    assert.equal(state.stdout.trim(), "true 137");
  });

  it("a daemon kill -9 between create and start, and while running, loses and leaks nothing", async () => {
    const created = (
      await daemon.docker(["create", "--name", "early", "busybox", "echo", "late start"])
    ).stdout.trim();
    assert.match(created, /^[0-9a-f]{64}$/);
    await daemon.kill9();
    await daemon.restart();
    assert.equal(
      (await daemon.docker(["ps", "-a", "--filter", "name=early", "--format", "{{.State}}"])).stdout,
      "created\n",
    );
    const started = await daemon.docker(["start", "-a", "early"]);
    assert.equal(started.stdout, "late start\n", started.stderr);

    const running = (
      await daemon.docker(["run", "-d", "--name", "steady", "busybox", "sleep", "1000"])
    ).stdout.trim();
    await daemon.kill9();
    await daemon.restart();
    const state = await daemon.docker(["inspect", "--format", "{{.State.Status}} {{.State.Pid}}", "steady"]);
    assert.match(state.stdout, /^running [1-9]\d*\n$/);
    assert.equal((await daemon.docker(["stop", "-t", "0", "steady"])).code, 0);
    assert.equal((await daemon.docker(["rm", "early", running])).code, 0);
    // Nothing of them stays: no monitor, no rootfs mount.
    const deadline = Date.now() + 10_000;
    while (conmonsOf(daemon) > 0 || mountsUnder(join(daemon.root, "containers")).length > 0) {
      assert.ok(
        Date.now() < deadline,
        `leaked: ${conmonsOf(daemon)} conmon, ${mountsUnder(daemon.root).join(" ")}`,
      );
      await new Promise((r) => setTimeout(r, 50));
    }
  });

  it("a 10 MB chunked create body gets a 400 and the daemon keeps serving", async () => {
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(
        {
          socketPath: daemon.socket,
          path: "/v1.47/containers/create",
          method: "POST",
          headers: { "Content-Type": "application/json" },
        },
        (res) => {
          let body = "";
          res.on("data", (c: Buffer) => (body += c.toString()));
          res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
        },
      );
      req.on("error", reject);
      req.write('{"Image":"busybox","Cmd":["true"],"Env":["BIG=');
      const mb = "x".repeat(1024 * 1024);
      for (let i = 0; i < 10; i++) req.write(mb);
      req.end('"]}');
    });
    assert.equal(answer.status, 400);
    assert.match(answer.body, /request body too large/);
    assert.equal((await daemon.request("GET", "/_ping")).text(), "OK");
    assert.equal((await daemon.docker(["ps", "-aq", "--filter", "status=created"])).stdout, "");
  });
});

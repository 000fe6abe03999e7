// berth system df with containers (summary, -v, --format json) compared with the docker CLI,
// and the exit code and error Docker records for a container whose start failed.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { useBusyboxDaemon } from "../helpers/use-busybox-daemon.ts";

describe("berth system df and failed starts", () => {
  const daemon = useBusyboxDaemon();

  it("records 127, 126 or 128 and the error for a start that failed, as moby does", async () => {
    const cases: [string[], number][] = [
      [["--name", "nocmd", "busybox", "/nonexistent"], 127],
      [["--name", "noexec", "busybox", "/etc/passwd"], 126],
      [["--name", "badwd", "-w", "/etc/passwd", "busybox", "true"], 128],
    ];
    for (const [args, code] of cases) {
      const run = await daemon.docker(["run", ...args]);
      assert.notEqual(run.code, 0);
      const name = args[1] ?? "";
      const state = await daemon.berth([
        "inspect",
        "--format",
        "{{.State.Status}} {{.State.ExitCode}} {{.State.Running}} {{.State.Error}}",
        name,
      ]);
      assert.match(state.stdout, new RegExp(`^created ${code} false .*runc create failed`), name);
    }
    const ps = await daemon.berth(["ps", "-a", "--format", "{{.Names}} {{.Status}}"]);
    assert.deepEqual(ps.stdout.trim().split("\n").sort(), [
      "badwd Created",
      "nocmd Created",
      "noexec Created",
    ]);
    // A later successful start clears them.
    const fixed = await daemon.docker(["run", "--name", "ok", "busybox", "true"]);
    assert.equal(fixed.code, 0, fixed.stderr);
    assert.equal(
      (await daemon.berth(["inspect", "--format", "{{.State.ExitCode}}/{{.State.Error}}/", "ok"])).stdout,
      "0//\n",
    );
  });

  it("prints the containers in system df as docker does", async () => {
    const up = await daemon.berth([
      "run",
      "-d",
      "--name",
      "up",
      "busybox",
      "sh",
      "-c",
      "echo data > /file; sleep 600",
    ]);
    assert.equal(up.code, 0, up.stderr);
    const wrote = await daemon.berth([
      "run",
      "--name",
      "wrote",
      "busybox",
      "sh",
      "-c",
      "head -c 3000 /dev/zero > /blob",
    ]);
    assert.equal(wrote.code, 0, wrote.stderr);
    // Wait until the running container's write is visible (it runs in the background).
    const deadline = Date.now() + 10_000;
    while ((await daemon.docker(["exec", "up", "cat", "/file"])).stdout !== "data\n") {
      assert.ok(Date.now() < deadline, "the container never wrote its file");
    }
    // Relative times, and the column widths they set: berth and docker run a moment apart, so
    // a container can be "Less than a second ago" for one and "1 second ago" for the other.
    const normalise = (s: string): string =>
      s.replace(/(Less than a second|About a minute|\d+ seconds?) ago/g, "N ago").replace(/ {3,}/g, "   ");
    for (const args of [
      ["system", "df"],
      ["system", "df", "-v"],
      ["system", "df", "--format", "json"],
    ]) {
      const [b, d] = [await daemon.berth(args), await daemon.docker(args)];
      assert.equal(b.code, 0, b.stderr);
      assert.equal(normalise(b.stdout), normalise(d.stdout), args.join(" "));
    }
    const summary = await daemon.berth(["system", "df", "--format", "{{.Type}} {{.TotalCount}} {{.Active}}"]);
    assert.match(summary.stdout, /^Containers 6 1$/m);
  });
});

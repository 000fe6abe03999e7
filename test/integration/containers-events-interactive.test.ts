// Events of interactive use, read back through `docker events --since --until` as a person
// would: attach (docker run attached), resize (with height and width), exec_create/exec_start/
// exec_die, commit.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { useBusyboxDaemon } from "../helpers/use-busybox-daemon.ts";

describe("events of attach, resize, exec and commit", () => {
  const daemon = useBusyboxDaemon();

  it("docker events lists them in order with Docker's attributes", async () => {
    const since = Math.floor(Date.now() / 1000);
    const run = await daemon.docker(["run", "--name", "ev-run", "busybox", "echo", "hi"]);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout, "hi\n");
    assert.equal(
      (await daemon.docker(["run", "-d", "-t", "--name", "ev-tty", "busybox", "sleep", "600"])).code,
      0,
    );
    const resize = await daemon.request("POST", "/containers/ev-tty/resize?h=30&w=100");
    assert.equal(resize.status, 200);
    const bad = await daemon.request("POST", "/containers/ev-tty/resize?h=-1&w=100");
    assert.equal(bad.status, 400);
    const exec = await daemon.docker(["exec", "ev-tty", "sh", "-c", "exit 3"]);
    assert.equal(exec.code, 3);
    const commit = await daemon.docker(["commit", "ev-tty", "ev-image:1"]);
    assert.equal(commit.code, 0, commit.stderr);

    const events = await daemon.docker([
      "events",
      "--since",
      String(since),
      "--until",
      String(Math.floor(Date.now() / 1000) + 1),
      "--filter",
      "type=container",
      "--format",
      "{{.Action}}|{{.Actor.Attributes.name}}|{{.Actor.Attributes.height}}x{{.Actor.Attributes.width}}|{{.Actor.Attributes.exitCode}}",
    ]);
    assert.equal(events.code, 0, events.stderr);
    const lines = events.stdout.trim().split("\n");
    const wanted = [
      "attach|ev-run|",
      "start|ev-run|",
      "die|ev-run|",
      "resize|ev-tty|30x100|",
      "exec_create: sh -c exit 3|ev-tty|",
      "exec_start: sh -c exit 3|ev-tty|",
      "exec_die|ev-tty|<no value>x<no value>|3",
      "commit|ev-tty|",
    ];
    // Each wanted event is present, in this order (others, such as create, may come between).
    let at = 0;
    for (const line of lines) if (at < wanted.length && line.startsWith(wanted[at] ?? "")) at++;
    assert.equal(at, wanted.length, `missing ${wanted[at]} in:\n${events.stdout}`);
    // A refused resize is no event.
    assert.equal(lines.filter((l) => l.startsWith("resize|")).length, 1);
  });
});

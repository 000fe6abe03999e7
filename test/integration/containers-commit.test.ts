// docker commit against a real berthd: the new layer holds the container's additions, changes
// and deletions (as OCI whiteouts), config changes and history are applied, and a container of
// the new image sees exactly that tree.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { useBusyboxDaemon } from "../helpers/use-busybox-daemon.ts";

const CHANGES = [
  "echo hi > /new.txt",
  "mkdir -p /d/e && echo x > /d/e/f",
  "rm /bin/vi",
  "echo mod >> /etc/passwd",
  "rm -rf /usr && mkdir /usr && echo u > /usr/only",
  "ln -s /new.txt /link",
].join("; ");

describe("docker commit", () => {
  const daemon = useBusyboxDaemon();

  it("commits a running container's changes with -c, -m, -a; the new image has them", async () => {
    const run = await daemon.docker([
      "run",
      "-d",
      "--name",
      "src",
      "busybox",
      "sh",
      "-c",
      `${CHANGES}; touch /ready; sleep 600`,
    ]);
    assert.equal(run.code, 0, run.stderr);
    const deadline = Date.now() + 10_000;
    // Wait until the script has run (its last step creates /ready in the upper dir).
    const upper = join(daemon.root, "containers", run.stdout.trim(), "upper", "ready");
    while (!existsSync(upper)) {
      if (Date.now() > deadline) throw new Error("container script did not finish");
      await new Promise((r) => setTimeout(r, 20));
    }
    const commit = await daemon.docker([
      "commit",
      "-c",
      "ENV FOO=bar",
      "-c",
      'CMD ["cat", "/new.txt"]',
      "-c",
      "LABEL committed=yes",
      "-m",
      "my message",
      "-a",
      "Me <me@example.com>",
      "src",
      "committed:v1",
    ]);
    assert.equal(commit.code, 0, commit.stderr);
    assert.match(commit.stdout, /^sha256:[a-f0-9]{64}\n$/);
    assert.equal(
      (await daemon.docker(["ps", "-q", "--filter", "status=running"])).stdout.trim().length > 0,
      true,
    );

    const cat = await daemon.docker(["run", "--rm", "committed:v1"]);
    assert.equal(cat.stdout, "hi\n");
    const check = await daemon.docker([
      "run",
      "--rm",
      "committed:v1",
      "sh",
      "-c",
      "test ! -e /bin/vi && cat /d/e/f && tail -1 /etc/passwd && ls /usr && readlink /link && echo $FOO && test -e /bin/ls",
    ]);
    assert.equal(check.code, 0, check.stderr);
    assert.equal(check.stdout, "x\nmod\nonly\n/new.txt\nbar\n");

    const inspect = JSON.parse((await daemon.docker(["image", "inspect", "committed:v1"])).stdout) as {
      Author: string;
      Comment: string;
      Config: { Labels: Record<string, string>; Env: string[] };
      RootFS: { Layers: string[] };
    }[];
    assert.equal(inspect[0]?.Author, "Me <me@example.com>");
    assert.equal(inspect[0]?.Comment, "my message");
    assert.equal(inspect[0]?.Config.Labels.committed, "yes");
    assert.equal(inspect[0]?.RootFS.Layers.length, 2);

    const history = await daemon.docker([
      "history",
      "--no-trunc",
      "--format",
      "{{.CreatedBy}}|{{.Comment}}",
      "committed:v1",
    ]);
    const top = history.stdout.split("\n")[0] ?? "";
    assert.match(top, /^sh -c echo hi > \/new\.txt.*\|my message$/);
    const until = String(Math.floor(Date.now() / 1000) + 1);
    const events = await daemon.docker([
      "events",
      "--since",
      "0",
      "--until",
      until,
      "--filter",
      "event=commit",
      "--format",
      "{{.Action}} {{.Actor.Attributes.imageRef}}",
    ]);
    assert.match(events.stdout, /commit committed:v1/);
  });

  it("the layer holds OCI whiteouts and no runtime mount points", async () => {
    const save = await daemon.docker(["save", "-o", join(daemon.dir, "c.tar"), "committed:v1"]);
    assert.equal(save.code, 0, save.stderr);
    const out = join(daemon.dir, "saved");
    mkdirSync(out);
    execFileSync("tar", ["-C", out, "-xf", join(daemon.dir, "c.tar")]);
    const index = JSON.parse(readFileSync(join(out, "manifest.json"), "utf8")) as { Layers: string[] }[];
    const top = index[0]?.Layers.at(-1) ?? "";
    const listing = execFileSync("tar", ["-tzf", join(out, top)])
      .toString()
      .split("\n");
    assert.ok(listing.includes("bin/.wh.vi"), listing.join(","));
    assert.ok(listing.includes("usr/.wh..wh..opq"));
    assert.ok(listing.includes("new.txt"));
    assert.ok(!listing.includes("etc/hostname") && !listing.includes("etc/resolv.conf"));
  });

  it("commits a stopped container, and --pause=false; bad requests fail cleanly", async () => {
    assert.equal(
      (await daemon.docker(["run", "--name", "stopped", "busybox", "sh", "-c", "echo s > /s"])).code,
      0,
    );
    const c = await daemon.docker(["commit", "stopped", "fromstopped"]);
    assert.equal(c.code, 0, c.stderr);
    assert.equal((await daemon.docker(["run", "--rm", "fromstopped", "cat", "/s"])).stdout, "s\n");
    const np = await daemon.docker(["commit", "--pause=false", "src"]);
    assert.equal(np.code, 0, np.stderr);
    const missing = await daemon.docker(["commit", "nope", "x"]);
    assert.notEqual(missing.code, 0);
    assert.match(missing.stderr, /No such container: nope/);
    const badChange = await daemon.docker(["commit", "-c", "RUN echo", "stopped", "y"]);
    assert.notEqual(badChange.code, 0);
    assert.match(badChange.stderr, /RUN is not a valid change command/);
    const b = await daemon.berth(["commit", "-m", "via berth", "stopped", "viaberth:1"]);
    assert.equal(b.code, 0, b.stderr);
    assert.match(b.stdout, /^sha256:/);
  });
});

// `docker build` (classic builder, DOCKER_BUILDKIT=0) through the real docker CLI against berthd:
// multi-stage with --target, cache hits and busts, COPY --from, ARG/ENV expansion, failing RUN
// exit codes, .dockerignore, RUN --mount=type=cache persisting between builds, and bad input.
// No build container may be left behind.
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { makeBusyboxImage } from "../helpers/busybox.ts";
import { startDaemon, type TestDaemon } from "../helpers/daemon.ts";

const ENV = { ...process.env, DOCKER_BUILDKIT: "0" };

describe("docker build (classic builder)", () => {
  let daemon: TestDaemon;
  let ctxRoot: string;
  before(async () => {
    daemon = await startDaemon();
    const archive = join(daemon.dir, "busybox.tar");
    await makeBusyboxImage(archive);
    assert.equal((await daemon.docker(["load", "-i", archive])).code, 0);
    ctxRoot = mkdtempSync(join(daemon.dir, "ctx-"));
  });
  after(async () => {
    await daemon.cleanup();
  });

  let n = 0;
  const context = (files: Record<string, string>): string => {
    const dir = join(ctxRoot, String(n++));
    for (const [name, content] of Object.entries(files)) {
      mkdirSync(join(dir, name, ".."), { recursive: true });
      writeFileSync(join(dir, name), content);
    }
    return dir;
  };
  const build = (args: string[]) => daemon.docker(["build", ...args], { env: ENV });
  const run = async (image: string, ...cmd: string[]): Promise<string> => {
    const r = await daemon.docker(["run", "--rm", image, ...cmd]);
    assert.equal(r.code, 0, r.stderr);
    return r.stdout;
  };
  const noContainers = async (): Promise<void> => {
    const ps = await daemon.docker(["ps", "-aq"]);
    assert.equal(ps.stdout.trim(), "", "no build containers left behind");
  };

  it("builds, runs RUN/COPY/ENV/WORKDIR/CMD and tags; then a rebuild is all cache", async () => {
    const dir = context({
      Dockerfile: [
        "FROM busybox",
        "ENV GREETING=hello NAME=world",
        "WORKDIR /app",
        "COPY a.txt sub/ ./",
        'RUN echo "$GREETING $NAME" > out.txt && cat out.txt',
        'CMD ["cat", "/app/out.txt", "/app/a.txt", "/app/b.txt"]',
      ].join("\n"),
      "a.txt": "A\n",
      "sub/b.txt": "B\n",
    });
    const first = await build(["-t", "t1:v1", "-t", "t1:other", dir]);
    assert.equal(first.code, 0, first.stderr + first.stdout);
    assert.match(first.stdout, /Step 1\/6 : FROM busybox/);
    assert.match(first.stdout, /---> Running in [0-9a-f]{12}/);
    assert.match(first.stdout, /hello world/);
    assert.match(first.stdout, /Successfully built [0-9a-f]{12}/);
    assert.match(first.stdout, /Successfully tagged t1:v1/);
    assert.match(first.stdout, /Successfully tagged t1:other/);
    assert.equal(await run("t1:v1"), "hello world\nA\nB\n");
    const second = await build(["-t", "t1:v1", dir]);
    assert.equal(second.code, 0, second.stderr);
    assert.equal(second.stdout.match(/Using cache/g)?.length, 5, second.stdout);
    assert.doesNotMatch(second.stdout, /Running in/);
    // A changed file re-runs from its COPY on.
    writeFileSync(join(dir, "a.txt"), "A2\n");
    const third = await build(["-t", "t1:v1", dir]);
    assert.equal(third.code, 0, third.stderr);
    assert.equal(third.stdout.match(/Using cache/g)?.length, 2, third.stdout);
    assert.match(third.stdout, /Running in/);
    assert.equal(await run("t1:v1"), "hello world\nA2\nB\n");
    const inspect = JSON.parse((await daemon.docker(["image", "inspect", "t1:v1"])).stdout)[0];
    assert.equal(inspect.Config.WorkingDir, "/app");
    assert.ok(inspect.Config.Env.includes("GREETING=hello"));
    await noContainers();
  });
});

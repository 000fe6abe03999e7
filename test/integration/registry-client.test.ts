// Pull and push against Debian's real docker-registry (distribution 2.8) on 127.0.0.1, with the
// real docker CLI and with berth: round trip and run, pull by digest, all tags, errors.
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { makeBusyboxImage } from "../helpers/busybox.ts";
import { fileBody, startDaemon, type TestDaemon } from "../helpers/daemon.ts";
import { startRegistry, type TestRegistry } from "../helpers/docker-registry.ts";

describe("registry client against docker-registry", () => {
  let daemon: TestDaemon;
  let registry: TestRegistry;
  let repo: string;

  before(async () => {
    registry = await startRegistry();
    daemon = await startDaemon();
    repo = `${registry.host}/busybox`;
    const archive = join(daemon.dir, "busybox.tar");
    await makeBusyboxImage(archive, { repoTags: [`${repo}:latest`, `${repo}:v1`] });
    const load = await daemon.request("POST", "/images/load", fileBody(archive, "application/x-tar"));
    assert.equal(load.status, 200, load.text());
  });
  after(async () => {
    await daemon?.cleanup();
    await registry?.stop();
  });

  test("docker push, rmi, docker pull, run", async () => {
    const push = await daemon.docker(["push", `${repo}:latest`]);
    assert.equal(push.code, 0, push.stderr);
    assert.match(push.stdout, new RegExp(`The push refers to repository \\[${repo}\\]`));
    assert.match(push.stdout, /: Pushed/);
    const digest = /latest: digest: (sha256:[a-f0-9]{64}) size: \d+/.exec(push.stdout)?.[1];
    assert.ok(digest, push.stdout);

    const again = await daemon.docker(["push", `${repo}:latest`]);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /Layer already exists/);

    assert.equal((await daemon.docker(["rmi", `${repo}:latest`, `${repo}:v1`])).code, 0);
    const pull = await daemon.docker(["pull", `${repo}:latest`]);
    assert.equal(pull.code, 0, pull.stderr);
    assert.match(pull.stdout, /latest: Pulling from busybox/);
    assert.match(pull.stdout, /Pull complete/);
    assert.match(pull.stdout, new RegExp(`Digest: ${digest}`));
    assert.match(pull.stdout, new RegExp(`Status: Downloaded newer image for ${repo}:latest`));

    const up = await daemon.docker(["pull", `${repo}:latest`]);
    assert.match(up.stdout, /Already exists/);
    assert.match(up.stdout, new RegExp(`Status: Image is up to date for ${repo}:latest`));

    const inspect = await daemon.docker([
      "image",
      "inspect",
      "-f",
      "{{json .RepoDigests}}",
      `${repo}:latest`,
    ]);
    assert.equal(inspect.stdout.trim(), JSON.stringify([`${repo}@${digest}`]));
    const run = await daemon.docker(["run", "--rm", `${repo}:latest`, "echo", "pulled-and-ran"]);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout.trim(), "pulled-and-ran");

    // By digest, after removing everything.
    assert.equal((await daemon.docker(["rmi", `${repo}:latest`])).code, 0);
    const byDigest = await daemon.docker(["pull", `${repo}@${digest}`]);
    assert.equal(byDigest.code, 0, byDigest.stderr);
    assert.match(byDigest.stdout, new RegExp(`Status: Downloaded newer image for ${repo}@${digest}`));
    const list = await daemon.docker(["images", "--digests", "--format", "{{.Repository}} {{.Digest}}"]);
    assert.match(list.stdout, new RegExp(`${repo} ${digest}`));
  });
});

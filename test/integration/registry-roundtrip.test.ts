// berth on both ends: the docker CLI, through berthd's registry client, logs in to and pushes to
// `berth registry serve` (htpasswd users, Bearer tokens from its own token service), then pulls
// the image back and runs it.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { makeBusyboxImage } from "../helpers/busybox.ts";
import { fileBody, startDaemon, type TestDaemon } from "../helpers/daemon.ts";
import { startRegistry, type TestRegistry } from "../helpers/registry-server.ts";
import { writeFile } from "node:fs/promises";

describe("docker CLI and berthd against berth registry serve", () => {
  let daemon: TestDaemon;
  let registry: TestRegistry;
  const dir = mkdtempSync(join(tmpdir(), "berth-roundtrip-"));

  before(async () => {
    const htpasswd = join(dir, "htpasswd");
    writeFileSync(htpasswd, execFileSync("htpasswd", ["-Bbn", "alice", "s3cret"]));
    registry = await startRegistry(join(dir, "registry"), ["--htpasswd", htpasswd, "--token-server"]);
    daemon = await startDaemon();
    const archive = join(daemon.dir, "busybox.tar");
    await makeBusyboxImage(archive, { repoTags: [`${registry.host}/team/box:1`] });
    const load = await daemon.request("POST", "/images/load", fileBody(archive, "application/x-tar"));
    assert.equal(load.status, 200, load.text());
  });
  after(async () => {
    await daemon?.cleanup();
    await registry?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test("push needs a login; login, push, rmi, pull and run", async () => {
    const ref = `${registry.host}/team/box:1`;
    const denied = await daemon.docker(["push", ref]);
    assert.notEqual(denied.code, 0, "an anonymous push is refused");
    assert.match(denied.stderr + denied.stdout, /unauthorized|authentication required|denied/i);

    const wrong = await daemon.docker(["login", "-u", "alice", "--password-stdin", registry.host], {
      input: "nope\n",
    });
    assert.notEqual(wrong.code, 0);

    const login = await daemon.docker(["login", "-u", "alice", "--password-stdin", registry.host], {
      input: "s3cret\n",
    });
    assert.equal(login.code, 0, login.stderr);
    assert.match(login.stdout, /Login Succeeded/);

    const push = await daemon.docker(["push", ref]);
    assert.equal(push.code, 0, push.stderr);
    const digest = /1: digest: (sha256:[a-f0-9]{64}) size: \d+/.exec(push.stdout)?.[1];
    assert.ok(digest, push.stdout);

    assert.equal((await daemon.docker(["rmi", ref])).code, 0);
    const pull = await daemon.docker(["pull", ref]);
    assert.equal(pull.code, 0, pull.stderr);
    assert.match(pull.stdout, new RegExp(`Digest: ${digest}`));
    const run = await daemon.docker(["run", "--rm", ref, "echo", "round trip"]);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout.trim(), "round trip");
  });
});

describe("docker build pulls a missing base image from berth registry serve", () => {
  let daemon: TestDaemon;
  let registry: TestRegistry;
  const dir = mkdtempSync(join(tmpdir(), "berth-build-pull-"));

  before(async () => {
    registry = await startRegistry(join(dir, "registry"));
    daemon = await startDaemon();
    const archive = join(daemon.dir, "busybox.tar");
    await makeBusyboxImage(archive, { repoTags: [`${registry.host}/base/busybox:1`] });
    const load = await daemon.request("POST", "/images/load", fileBody(archive, "application/x-tar"));
    assert.equal(load.status, 200, load.text());
    const push = await daemon.docker(["push", `${registry.host}/base/busybox:1`]);
    assert.equal(push.code, 0, push.stderr);
    assert.equal((await daemon.docker(["rmi", `${registry.host}/base/busybox:1`])).code, 0);
  });
  after(async () => {
    await daemon?.cleanup();
    await registry?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test("FROM an image that is only in the registry", async () => {
    const context = join(dir, "context");
    execFileSync("mkdir", ["-p", context]);
    await writeFile(
      join(context, "Dockerfile"),
      `FROM ${registry.host}/base/busybox:1\nRUN echo built > /built\n`,
    );
    const build = await daemon.docker(["build", "-t", "child:1", context], {
      env: { ...process.env, DOCKER_BUILDKIT: "0" },
    });
    assert.equal(build.code, 0, build.stderr + build.stdout);
    assert.match(build.stdout, /Pull complete|Downloaded newer image/);
    const run = await daemon.docker(["run", "--rm", "child:1", "cat", "/built"]);
    assert.equal(run.stdout.trim(), "built");
  });
});

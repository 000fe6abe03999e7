// Pull and push against Debian's real docker-registry (distribution 2.8) on 127.0.0.1, with the
// real docker CLI and with berth: round trip and run, pull by digest, all tags, errors.
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { makeBusyboxImage } from "../helpers/busybox.ts";
import { fileBody, startDaemon, type TestDaemon } from "../helpers/daemon.ts";
import { startRegistry, type TestRegistry } from "../helpers/docker-registry.ts";
import { runCommand } from "../helpers/run-command.ts";

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

    // The loaded layer is stored uncompressed; it goes out gzipped, as dockerd sends it.
    const sent = (await (
      await fetch(`http://${registry.host}/v2/busybox/manifests/${digest}`, {
        headers: { Accept: "application/vnd.oci.image.manifest.v1+json" },
      })
    ).json()) as { layers: { mediaType: string; digest: string }[] };
    assert.deepEqual(
      sent.layers.map((l) => l.mediaType),
      ["application/vnd.oci.image.layer.v1.tar+gzip"],
    );
    const blob = Buffer.from(
      await (
        await fetch(`http://${registry.host}/v2/busybox/blobs/${sent.layers[0]?.digest ?? ""}`)
      ).arrayBuffer(),
    );
    assert.deepEqual([...blob.subarray(0, 2)], [0x1f, 0x8b]);

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

    const events = await daemon.docker([
      "events",
      "--since",
      "0",
      "--until",
      String(Math.ceil(Date.now() / 1000)),
      "--filter",
      "type=image",
      "--format",
      "{{.Action}} {{.Actor.ID}}",
    ]);
    assert.match(events.stdout, new RegExp(`^push ${repo}:latest$`, "m"));
    assert.match(events.stdout, new RegExp(`^pull ${repo}:latest$`, "m"));
  });
});

describe("berth CLI against docker-registry", () => {
  let daemon: TestDaemon;
  let registry: TestRegistry;
  let repo: string;

  before(async () => {
    registry = await startRegistry();
    daemon = await startDaemon();
    repo = `${registry.host}/team/box`;
    const archive = join(daemon.dir, "busybox.tar");
    await makeBusyboxImage(archive, { repoTags: [`${repo}:one`, `${repo}:two`] });
    const load = await daemon.request("POST", "/images/load", fileBody(archive, "application/x-tar"));
    assert.equal(load.status, 200, load.text());
  });
  after(async () => {
    await daemon?.cleanup();
    await registry?.stop();
  });

  test("berth push -a, pull -a, pull -q, run pulls a missing image", async () => {
    const push = await daemon.berth(["push", "-a", repo]);
    assert.equal(push.code, 0, push.stderr);
    assert.match(push.stdout, /one: digest: sha256:[a-f0-9]{64} size: \d+/);
    assert.match(push.stdout, /two: digest: sha256:[a-f0-9]{64} size: \d+/);

    // A second repository on the same registry: the layer is mounted, not uploaded.
    assert.equal((await daemon.berth(["tag", `${repo}:one`, `${registry.host}/other:x`])).code, 0);
    const mount = await daemon.berth(["push", `${registry.host}/other:x`]);
    assert.equal(mount.code, 0, mount.stderr);
    assert.match(mount.stdout, /Mounted from team\/box|Layer already exists/);

    assert.equal(
      (await daemon.berth(["rmi", `${repo}:one`, `${repo}:two`, `${registry.host}/other:x`])).code,
      0,
    );
    const all = await daemon.berth(["pull", "-a", repo]);
    assert.equal(all.code, 0, all.stderr);
    assert.match(all.stdout, /one: Pulling from team\/box/);
    assert.match(all.stdout, /two: Pulling from team\/box/);
    const tags = await daemon.docker(["images", "--format", "{{.Tag}}", repo]);
    assert.deepEqual(tags.stdout.trim().split("\n").sort(), ["one", "two"]);

    const quiet = await daemon.berth(["pull", "-q", `${repo}:one`]);
    assert.equal(quiet.code, 0, quiet.stderr);
    assert.equal(quiet.stdout, `${repo}:one\n`);

    assert.equal((await daemon.berth(["rmi", `${repo}:one`, `${repo}:two`])).code, 0);
    const run = await daemon.berth(["run", "--rm", `${repo}:two`, "echo", "auto-pulled"]);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout.trim(), "auto-pulled");
    assert.match(run.stderr, new RegExp(`Unable to find image '${repo}:two' locally`));

    // The docker CLI does the same dance itself on a 404 from /containers/create.
    assert.equal((await daemon.berth(["rmi", `${repo}:two`])).code, 0);
    const drun = await daemon.docker(["run", "--rm", `${repo}:two`, "echo", "docker-auto-pulled"]);
    assert.equal(drun.code, 0, drun.stderr);
    assert.equal(drun.stdout.trim(), "docker-auto-pulled");
    const never = await daemon.berth(["run", "--rm", "--pull", "never", `${registry.host}/absent:x`, "true"]);
    assert.notEqual(never.code, 0);
    assert.match(never.stderr, /No such image/);
  });

  test("bad input: unknown repository and tag, invalid name; daemon alive", async () => {
    const unknown = await daemon.docker(["pull", `${registry.host}/nope:latest`]);
    assert.notEqual(unknown.code, 0);
    // distribution 2.8 answers MANIFEST_UNKNOWN even for a repository it never saw; moby's wording.
    assert.equal(
      unknown.stderr.trim(),
      `Error response from daemon: manifest for ${registry.host}/nope:latest not found: manifest unknown: manifest unknown`,
    );
    const badTag = await daemon.docker(["pull", `${repo}:missing`]);
    assert.match(badTag.stderr, new RegExp(`manifest for ${repo}:missing not found: manifest unknown`));
    const res = await daemon.request("POST", "/images/create?fromImage=Bad%20Name&tag=latest");
    assert.equal(res.status, 400);
    const noImage = await daemon.docker(["push", `${registry.host}/never-made:x`]);
    assert.match(noImage.stderr, /An image does not exist locally with the tag: .*never-made/);
    assert.equal((await daemon.request("GET", "/_ping")).status, 200);
  });
});

describe("mirrors and skopeo interop", () => {
  let daemon: TestDaemon;
  let registry: TestRegistry;

  before(async () => {
    registry = await startRegistry();
    // Pulls of a registry that does not resolve go to its mirror (berth's registry-mirror-map).
    daemon = await startDaemon({
      config: {
        "registry-mirror-map": { "mirror-of.invalid:5000": [`http://${registry.host}`] },
        "registry-mirrors": [`http://${registry.host}`],
      },
    });
    const archive = join(daemon.dir, "busybox.tar");
    await makeBusyboxImage(archive, { repoTags: [`${registry.host}/mirrored:1`] });
    const load = await daemon.request("POST", "/images/load", fileBody(archive, "application/x-tar"));
    assert.equal(load.status, 200, load.text());
    const push = await daemon.berth(["push", `${registry.host}/mirrored:1`]);
    assert.equal(push.code, 0, push.stderr);
  });
  after(async () => {
    await daemon?.cleanup();
    await registry?.stop();
  });

  test("pull through a per-registry mirror", async () => {
    const pull = await daemon.docker(["pull", "mirror-of.invalid:5000/mirrored:1"]);
    assert.equal(pull.code, 0, pull.stderr);
    const run = await daemon.docker([
      "run",
      "--rm",
      "mirror-of.invalid:5000/mirrored:1",
      "echo",
      "via-mirror",
    ]);
    assert.equal(run.stdout.trim(), "via-mirror");
  });

  test("docker.io names go to registry-mirrors, official images under library/", async () => {
    assert.equal(
      (await daemon.docker(["tag", `${registry.host}/mirrored:1`, `${registry.host}/library/hubbox:1`])).code,
      0,
    );
    assert.equal((await daemon.docker(["push", `${registry.host}/library/hubbox:1`])).code, 0);
    const pull = await daemon.docker(["pull", "hubbox:1"]);
    assert.equal(pull.code, 0, pull.stderr);
    assert.match(pull.stdout, /1: Pulling from library\/hubbox/);
    assert.match(pull.stdout, /docker\.io\/library\/hubbox:1/);
    const names = await daemon.docker([
      "image",
      "inspect",
      "-f",
      "{{json .RepoTags}}",
      "docker.io/library/hubbox:1",
    ]);
    assert.ok((JSON.parse(names.stdout) as string[]).includes("hubbox:1"), names.stdout);
  });

  test("skopeo reads what berth pushed; berth pulls a Docker schema-2 manifest skopeo wrote", async () => {
    const tls = ["--src-tls-verify=false", "--dest-tls-verify=false"];
    const inspect = await runCommand("skopeo", [
      "inspect",
      "--tls-verify=false",
      `docker://${registry.host}/mirrored:1`,
    ]);
    assert.equal(inspect.code, 0, inspect.stderr);
    const copy = await runCommand("skopeo", [
      "copy",
      ...tls,
      "--format",
      "v2s2",
      `docker://${registry.host}/mirrored:1`,
      `docker://${registry.host}/v2s2:1`,
    ]);
    assert.equal(copy.code, 0, copy.stderr);
    const raw = await runCommand("skopeo", [
      "inspect",
      "--raw",
      "--tls-verify=false",
      `docker://${registry.host}/v2s2:1`,
    ]);
    assert.match(raw.stdout, /application\/vnd\.docker\.distribution\.manifest\.v2\+json/);
    const pull = await daemon.berth(["pull", `${registry.host}/v2s2:1`]);
    assert.equal(pull.code, 0, pull.stderr);
    const run = await daemon.docker(["run", "--rm", `${registry.host}/v2s2:1`, "echo", "schema2"]);
    assert.equal(run.stdout.trim(), "schema2");
  });
});

// Loading, listing, inspecting, saving and removing images through the real docker CLI and the
// raw API, with responses validated against the swagger.
import assert from "node:assert/strict";
import { createReadStream, createWriteStream, readdirSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { pipeline } from "node:stream/promises";
import { createGzip } from "node:zlib";
import { makeBusyboxImage } from "../helpers/busybox.ts";
import { fileBody, startDaemon, type TestDaemon } from "../helpers/daemon.ts";
import { dirEntry, fileEntry, makeOciLayout, whiteoutEntry } from "../helpers/image-fixtures.ts";
import { validateResponse } from "../helpers/swagger-validator.ts";

interface Summary {
  Id: string;
  RepoTags: string[];
  Size: number;
  Labels: Record<string, string>;
}

describe("image load, list, inspect, save, remove", () => {
  let daemon: TestDaemon;
  let busyboxArchive: string;
  let busyboxId: string;

  before(async () => {
    daemon = await startDaemon();
    busyboxArchive = join(daemon.dir, "busybox.tar");
    const built = await makeBusyboxImage(busyboxArchive, {
      extraLayers: [[dirEntry("data"), fileEntry("data/hello.txt", "hello\n"), whiteoutEntry("bin/vi")]],
      config: { config: { Cmd: ["sh"], Labels: { "org.example.kind": "fixture" } } },
    });
    busyboxId = built.images[0]?.id ?? "";
  });
  after(() => daemon.cleanup());

  it("docker load reads a Docker 25+ archive from a file", async () => {
    const load = await daemon.docker(["load", "-i", busyboxArchive]);
    assert.equal(load.code, 0, load.stderr);
    assert.equal(load.stdout.trim(), "Loaded image: busybox:latest");
  });

  it("docker load reads a gzip-compressed archive", async () => {
    const gz = join(daemon.dir, "busybox.tar.gz");
    await pipeline(createReadStream(busyboxArchive), createGzip(), createWriteStream(gz));
    const load = await daemon.docker(["load", "-i", gz]);
    assert.equal(load.code, 0, load.stderr);
    assert.equal(load.stdout.trim(), "Loaded image: busybox:latest");
  });

  it("lists the image through the API and the CLI", async () => {
    const res = await daemon.request("GET", "/images/json");
    assert.equal(res.status, 200);
    validateResponse("get", "/images/json", 200, res.json());
    const [image] = res.json<Summary[]>();
    assert.equal(image?.Id, busyboxId);
    assert.deepEqual(image?.RepoTags, ["busybox:latest"]);
    assert.equal(image?.Labels["org.example.kind"], "fixture");
    assert.ok((image?.Size ?? 0) > 500_000);

    const cli = await daemon.docker(["images", "--format", "{{.Repository}}:{{.Tag}} {{.ID}}"]);
    assert.equal(cli.code, 0, cli.stderr);
    assert.equal(cli.stdout.trim(), `busybox:latest ${busyboxId.slice(7, 19)}`);
    const quiet = await daemon.docker(["images", "-q"]);
    assert.equal(quiet.stdout.trim(), busyboxId.slice(7, 19));
  });

  it("inspects by name, full ID and short ID", async () => {
    for (const name of ["busybox", "busybox:latest", busyboxId, busyboxId.slice(7, 19)]) {
      const res = await daemon.request("GET", `/images/${name}/json`);
      assert.equal(res.status, 200, name);
      validateResponse("get", "/images/{name}/json", 200, res.json());
      const body = res.json<{ Id: string; Config: { Cmd: string[] }; RootFS: { Layers: string[] } }>();
      assert.equal(body.Id, busyboxId);
      assert.deepEqual(body.Config.Cmd, ["sh"]);
      assert.equal(body.RootFS.Layers.length, 2);
    }
    const missing = await daemon.request("GET", "/images/nosuch:thing/json");
    assert.equal(missing.status, 404);
    assert.equal(missing.json<{ message: string }>().message, "No such image: nosuch:thing");
    const cli = await daemon.docker([
      "image",
      "inspect",
      "--format",
      "{{.Os}} {{len .RootFS.Layers}}",
      "busybox",
    ]);
    assert.equal(cli.stdout.trim(), "linux 2");
  });

  it("shows history newest first", async () => {
    const res = await daemon.request("GET", "/images/busybox/history");
    assert.equal(res.status, 200);
    validateResponse("get", "/images/{name}/history", 200, res.json());
    const items = res.json<{ Id: string; Tags: string[] }[]>();
    assert.equal(items.length, 2);
    assert.equal(items[0]?.Id, busyboxId);
    assert.deepEqual(items[0]?.Tags, ["busybox:latest"]);
    const cli = await daemon.docker(["history", "-q", "busybox"]);
    assert.equal(cli.code, 0, cli.stderr);
  });

  it("tags, filters and untags", async () => {
    const tag = await daemon.docker(["tag", "busybox", "localhost:5000/team/box:v1"]);
    assert.equal(tag.code, 0, tag.stderr);
    const filtered = await daemon.docker([
      "images",
      "--filter",
      "reference=localhost:5000/*/*",
      "--format",
      "{{.Repository}}:{{.Tag}}",
    ]);
    assert.equal(filtered.stdout.trim(), "localhost:5000/team/box:v1");
    const byLabel = await daemon.docker(["images", "-q", "--filter", "label=org.example.kind=fixture"]);
    assert.equal(byLabel.stdout.trim().split("\n").length, 2, "one row per tag");
    const dangling = await daemon.docker(["images", "-q", "--filter", "dangling=true"]);
    assert.equal(dangling.stdout.trim(), "");

    // Removing by ID while two names point at it needs force.
    const refused = await daemon.docker(["rmi", busyboxId.slice(7, 19)]);
    assert.notEqual(refused.code, 0);
    assert.match(refused.stderr, /must be forced\) - image is referenced in multiple repositories/);

    const untag = await daemon.request("DELETE", "/images/localhost:5000/team/box:v1");
    assert.equal(untag.status, 200);
    validateResponse("delete", "/images/{name}", 200, untag.json());
    assert.deepEqual(untag.json(), [{ Untagged: "localhost:5000/team/box:v1" }]);
  });

  it("saves to an archive that loads back into another daemon with the same ID", async () => {
    const out = join(daemon.dir, "saved.tar");
    const save = await daemon.docker(["save", "-o", out, "busybox:latest"]);
    assert.equal(save.code, 0, save.stderr);
    const other = await startDaemon();
    try {
      const load = await other.docker(["load", "-i", out]);
      assert.equal(load.code, 0, load.stderr);
      assert.equal(load.stdout.trim(), "Loaded image: busybox:latest");
      const ids = await other.docker(["images", "--no-trunc", "-q"]);
      assert.equal(ids.stdout.trim(), busyboxId);
    } finally {
      await other.cleanup();
    }
    const missing = await daemon.docker(["save", "-o", join(daemon.dir, "x.tar"), "nosuch"]);
    assert.notEqual(missing.code, 0);
    assert.match(missing.stderr, /No such image: nosuch/);
  });

  it("loads an OCI image layout with gzip layers from stdin", async () => {
    const layout = join(daemon.dir, "oci.tar");
    await makeOciLayout(layout, [
      { refName: "docker.io/library/ocitest:1", layers: [[fileEntry("etc/os-release", "ID=test\n")]] },
    ]);
    const res = await daemon.request("POST", "/images/load?quiet=1", fileBody(layout, "application/x-tar"));
    assert.equal(res.status, 200, res.text());
    assert.match(res.text(), /Loaded image: ocitest:1/);
    const list = await daemon.docker(["images", "--format", "{{.Repository}}:{{.Tag}}", "ocitest"]);
    assert.equal(list.stdout.trim(), "ocitest:1");
  });

  it("removes an image and its content, and prunes", async () => {
    const rm = await daemon.docker(["rmi", "ocitest:1"]);
    assert.equal(rm.code, 0, rm.stderr);
    assert.match(rm.stdout, /^Untagged: ocitest:1\nDeleted: sha256:[a-f0-9]{64}$/m);

    const prune = await daemon.request(
      "POST",
      "/images/prune?filters=" + encodeURIComponent('{"dangling":["false"]}'),
    );
    assert.equal(prune.status, 200);
    validateResponse("post", "/images/prune", 200, prune.json());
    const report = prune.json<{ ImagesDeleted: { Deleted?: string }[]; SpaceReclaimed: number }>();
    assert.ok(report.ImagesDeleted.some((d) => d.Deleted === busyboxId));
    assert.ok(report.SpaceReclaimed > 0);
    assert.deepEqual(readdirSync(join(daemon.root, "content", "blobs", "sha256")), []);
    assert.deepEqual(
      readdirSync(join(daemon.root, "overlay")).filter((d) => d !== "tmp"),
      [],
      "no snapshot left",
    );
  });

  it("reports system df", async () => {
    const res = await daemon.request("GET", "/system/df");
    assert.equal(res.status, 200);
    validateResponse("get", "/system/df", 200, res.json());
    const df = await daemon.docker(["system", "df"]);
    assert.equal(df.code, 0, df.stderr);
    assert.match(df.stdout, /^Images\s+0\s+0/m);
  });
});

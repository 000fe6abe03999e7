// Pull edge cases against docker-registry: a multi-platform index with --platform, a connection
// cut mid-layer and resumed with Range, and a proxy that flips a byte (digest mismatch: error,
// nothing stored, daemon alive).
import assert from "node:assert/strict";
import { mkdir, readdir, stat, writeFile } from "node:fs/promises";
import { createServer } from "node:http";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { createHash, randomBytes } from "node:crypto";
import { makeBusyboxImage } from "../helpers/busybox.ts";
import { fileBody, startDaemon, type TestDaemon } from "../helpers/daemon.ts";
import { startRegistry, type TestRegistry } from "../helpers/docker-registry.ts";
import { startTcpProxy, type TcpProxy } from "../helpers/tcp-proxy.ts";

const OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
const OCI_INDEX = "application/vnd.oci.image.index.v1+json";

function sha256(b: Buffer): string {
  return `sha256:${createHash("sha256").update(b).digest("hex")}`;
}

/** Uploads a blob monolithically (POST then PUT). */
async function putBlob(host: string, repo: string, bytes: Buffer): Promise<string> {
  const digest = sha256(bytes);
  const start = await fetch(`http://${host}/v2/${repo}/blobs/uploads/`, { method: "POST" });
  assert.equal(start.status, 202);
  const location = new URL(start.headers.get("location") ?? "", `http://${host}`);
  location.searchParams.set("digest", digest);
  const put = await fetch(location, {
    method: "PUT",
    body: bytes,
    headers: { "Content-Type": "application/octet-stream" },
  });
  assert.equal(put.status, 201, await put.text());
  return digest;
}

async function putManifest(
  host: string,
  repo: string,
  ref: string,
  bytes: Buffer,
  type: string,
): Promise<string> {
  const res = await fetch(`http://${host}/v2/${repo}/manifests/${ref}`, {
    method: "PUT",
    body: bytes,
    headers: { "Content-Type": type },
  });
  assert.equal(res.status, 201, await res.text());
  return sha256(bytes);
}

async function partials(daemon: TestDaemon): Promise<{ name: string; size: number }[]> {
  const dir = join(daemon.root, "content", "partial");
  const names = await readdir(dir).catch(() => [] as string[]);
  return Promise.all(names.map(async (name) => ({ name, size: (await stat(join(dir, name))).size })));
}

describe("pull edge cases", () => {
  let daemon: TestDaemon;
  let registry: TestRegistry;
  let proxy: TcpProxy;
  let layerSize = 0;
  let layerDigest = "";

  before(async () => {
    registry = await startRegistry();
    proxy = await startTcpProxy(registry.host);
    daemon = await startDaemon();
    const archive = join(daemon.dir, "busybox.tar");
    await makeBusyboxImage(archive, { repoTags: [`${registry.host}/multi:amd64`] });
    const load = await daemon.request("POST", "/images/load", fileBody(archive, "application/x-tar"));
    assert.equal(load.status, 200, load.text());
    // The edge image has a layer of its own (random, so gzip cannot shrink it).
    const edge = join(daemon.dir, "edge.tar");
    await makeBusyboxImage(edge, {
      repoTags: [`${proxy.host}/edge:1`],
      extraLayers: [
        { entries: [{ type: "file", path: "random.bin", content: randomBytes(1_500_000) }], gzip: true },
      ],
    });
    const loadEdge = await daemon.request("POST", "/images/load", fileBody(edge, "application/x-tar"));
    assert.equal(loadEdge.status, 200, loadEdge.text());
    for (const name of [`${registry.host}/multi:amd64`, `${proxy.host}/edge:1`]) {
      const push = await daemon.docker(["push", name]);
      assert.equal(push.code, 0, push.stderr);
    }
    assert.equal(
      (await daemon.docker(["rmi", `${registry.host}/multi:amd64`, `${proxy.host}/edge:1`])).code,
      0,
    );
    const manifest = (await (
      await fetch(`http://${registry.host}/v2/edge/manifests/1`, { headers: { Accept: OCI_MANIFEST } })
    ).json()) as { layers: { size: number; digest: string }[] };
    layerSize = manifest.layers[1]?.size ?? 0;
    layerDigest = manifest.layers[1]?.digest ?? "";
    assert.ok(layerSize > 500_000, `layer of ${layerSize} bytes`);
  });
  after(async () => {
    await daemon?.cleanup();
    await proxy?.stop();
    await registry?.stop();
  });

  test("an index: host platform by default, --platform picks another, a missing one is an error", async () => {
    const host = registry.host;
    const amdRes = await fetch(`http://${host}/v2/multi/manifests/amd64`, {
      headers: { Accept: OCI_MANIFEST },
    });
    const amdBytes = Buffer.from(await amdRes.arrayBuffer());
    const amd = JSON.parse(amdBytes.toString()) as {
      mediaType: string;
      config: { digest: string; size: number };
    };
    const configBytes = Buffer.from(
      await (await fetch(`http://${host}/v2/multi/blobs/${amd.config.digest}`)).arrayBuffer(),
    );
    const armConfig = Buffer.from(
      JSON.stringify({ ...JSON.parse(configBytes.toString()), architecture: "arm64", variant: "v8" }),
    );
    const armConfigDigest = await putBlob(host, "multi", armConfig);
    const armBytes = Buffer.from(
      JSON.stringify({ ...amd, config: { ...amd.config, digest: armConfigDigest, size: armConfig.length } }),
    );
    const armDigest = await putManifest(host, "multi", sha256(armBytes), armBytes, OCI_MANIFEST);
    const index = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: OCI_INDEX,
        manifests: [
          {
            mediaType: OCI_MANIFEST,
            digest: sha256(amdBytes),
            size: amdBytes.length,
            platform: { architecture: "amd64", os: "linux" },
          },
          {
            mediaType: OCI_MANIFEST,
            digest: armDigest,
            size: armBytes.length,
            platform: { architecture: "arm64", os: "linux", variant: "v8" },
          },
        ],
      }),
    );
    const indexDigest = await putManifest(host, "multi", "latest", index, OCI_INDEX);

    const native = await daemon.docker(["pull", `${host}/multi:latest`]);
    assert.equal(native.code, 0, native.stderr);
    assert.match(native.stdout, new RegExp(`Digest: ${indexDigest}`));
    const arch = await daemon.docker(["image", "inspect", "-f", "{{.Architecture}}", `${host}/multi:latest`]);
    assert.equal(arch.stdout.trim(), "amd64");

    const arm = await daemon.docker(["pull", "--platform", "linux/arm64", `${host}/multi:latest`]);
    assert.equal(arm.code, 0, arm.stderr);
    const armArch = await daemon.docker([
      "image",
      "inspect",
      "-f",
      "{{.Architecture}}/{{.Variant}}",
      `${host}/multi:latest`,
    ]);
    assert.equal(armArch.stdout.trim(), "arm64/v8");

    const none = await daemon.docker(["pull", "--platform", "linux/s390x", `${host}/multi:latest`]);
    assert.notEqual(none.code, 0);
    assert.match(none.stderr, /no matching manifest for linux\/s390x in the manifest list entries/);
  });

  test("a cut connection keeps the partial layer, across a restart; the next pull resumes with Range", async () => {
    const name = `${proxy.host}/edge:1`;
    proxy.cutAfter = proxy.bytesDown + Math.floor(layerSize / 2);
    const cut = await daemon.docker(["pull", name]);
    proxy.cutAfter = undefined;
    assert.notEqual(cut.code, 0, cut.stdout);
    const kept = await partials(daemon);
    assert.equal(kept.length, 1, JSON.stringify(kept));
    assert.ok((kept[0]?.size ?? 0) > 0);
    assert.equal((await daemon.docker(["image", "inspect", name])).code, 1);
    // The partial download survives a restart (start-up cleanup only clears ingest/).
    await daemon.restart();
    assert.deepEqual(await partials(daemon), kept);

    proxy.requests.length = 0;
    const downBefore = proxy.bytesDown;
    const resumed = await daemon.docker(["pull", name]);
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.ok(
      proxy.requests.some((r) => new RegExp(`Range: bytes=${kept[0]?.size ?? 0}-`, "i").test(r)),
      proxy.requests.join("\n"),
    );
    assert.ok(proxy.bytesDown - downBefore < layerSize, "the second pull fetched less than the whole layer");
    assert.deepEqual(await partials(daemon), []);
    const run = await daemon.docker(["run", "--rm", name, "echo", "resumed"]);
    assert.equal(run.stdout.trim(), "resumed");
    assert.equal((await daemon.docker(["rmi", name])).code, 0);
  });

  test("berthd killed mid-layer: no image after restart, the partial layer kept and resumed", async () => {
    const name = `${proxy.host}/edge:1`;
    assert.deepEqual(await partials(daemon), []);
    proxy.stallAt = proxy.bytesDown + Math.floor(layerSize / 3);
    const stalled = daemon.docker(["pull", name]);
    const deadline = Date.now() + 20_000;
    while (proxy.bytesDown < (proxy.stallAt ?? 0) || (await partials(daemon)).every((p) => p.size === 0)) {
      assert.ok(Date.now() < deadline, "the pull never reached the stall point");
      await new Promise((r) => setTimeout(r, 20));
    }
    await daemon.kill9();
    proxy.stallAt = undefined;
    assert.notEqual((await stalled).code, 0);
    await daemon.restart();
    assert.equal((await daemon.docker(["image", "inspect", name])).code, 1);
    const kept = await partials(daemon);
    assert.equal(kept.length, 1);
    const resumed = await daemon.docker(["pull", name]);
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.deepEqual(await partials(daemon), []);
    assert.equal((await daemon.docker(["rmi", name])).code, 0);
  });

  test("a complete partial blob (crash before its rename) is checked and published, not fetched", async () => {
    const name = `${proxy.host}/edge:1`;
    const blob = Buffer.from(
      await (await fetch(`http://${registry.host}/v2/edge/blobs/${layerDigest}`)).arrayBuffer(),
    );
    await mkdir(join(daemon.root, "content", "partial"), { recursive: true });
    await writeFile(join(daemon.root, "content", "partial", layerDigest.slice(7)), blob);
    proxy.requests.length = 0;
    const pull = await daemon.docker(["pull", name]);
    assert.equal(pull.code, 0, pull.stderr);
    assert.ok(!proxy.requests.some((r) => r.includes(`/blobs/${layerDigest}`)), proxy.requests.join("\n"));
    assert.deepEqual(await partials(daemon), []);
    assert.equal((await daemon.docker(["rmi", name])).code, 0);
  });

  test("a flipped byte fails the pull with nothing stored; the daemon lives", async () => {
    const name = `${proxy.host}/edge:1`;
    proxy.corruptAt = proxy.bytesDown + Math.floor(layerSize / 2);
    const bad = await daemon.docker(["pull", name]);
    proxy.corruptAt = undefined;
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /filesystem layer verification failed for digest sha256:[a-f0-9]{64}/);
    assert.equal((await daemon.docker(["image", "inspect", name])).code, 1);
    assert.deepEqual(await partials(daemon), []);
    assert.equal((await daemon.request("GET", "/_ping")).status, 200);
    const good = await daemon.docker(["pull", name]);
    assert.equal(good.code, 0, good.stderr);
  });

  test("a registry answering 500: a clear error, nothing stored, daemon alive", async () => {
    const broken = createServer((req, res) => {
      res.writeHead(500, { "Content-Type": "text/plain" });
      res.end("internal error");
    });
    await new Promise<void>((resolve) => broken.listen(0, "127.0.0.1", resolve));
    const address = broken.address();
    const host = `127.0.0.1:${typeof address === "object" && address !== null ? address.port : 0}`;
    try {
      const pull = await daemon.docker(["pull", `${host}/x:1`]);
      assert.notEqual(pull.code, 0);
      assert.match(pull.stderr, new RegExp(`Get "http://${host}/v2/": unexpected status 500`));
      assert.equal((await daemon.docker(["image", "inspect", `${host}/x:1`])).code, 1);
      assert.equal((await daemon.request("GET", "/_ping")).status, 200);
    } finally {
      broken.closeAllConnections();
      await new Promise<void>((resolve) => broken.close(() => resolve()));
    }
  });
});

import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, readdir, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { gunzipSync } from "node:zlib";
import {
  appendTarEntries,
  chainIds,
  corruptArchiveMember,
  dirEntry,
  extractTar,
  fileEntry,
  hardlinkEntry,
  hostileEntries,
  hostPlatform,
  listTar,
  makeDockerArchive,
  makeLayerTar,
  makeOciLayout,
  opaqueEntry,
  removeArchiveMember,
  setDescriptorSize,
  sha256Digest,
  sha256File,
  symlinkEntry,
  truncateFile,
  whiteoutEntry,
} from "./image-fixtures.ts";
import type { DockerManifestItem, ImageConfig, LayerEntry } from "./image-fixtures.ts";
import { runCommand } from "./run-command.ts";

let work: string;
before(async () => {
  work = await mkdtemp(join(tmpdir(), "berth-fixtures-test-"));
});
after(async () => {
  await rm(work, { recursive: true, force: true });
});

async function scratch(name: string): Promise<string> {
  const dir = join(work, name);
  await mkdir(dir, { recursive: true });
  return dir;
}

async function readJson<T>(path: string): Promise<T> {
  return JSON.parse(await readFile(path, "utf8")) as T;
}

// `tar -tv` lines keyed by name: "<mode> <uid>/<gid> ... <name>[ -> target | link to target]".
async function verboseListing(tarPath: string): Promise<Map<string, string>> {
  const { stdout } = await runCommand("tar", ["--numeric-owner", "-tvf", tarPath]);
  const lines = stdout.split("\n").filter((l) => l !== "");
  return new Map(
    lines.map((line) => [(/ \d\d:\d\d (.+?)(?: -> | link to |$)/.exec(line)?.[1] ?? line).trim(), line]),
  );
}

// Every blob under blobs/sha256 must hash to its own name (image-layout.md "Blobs").
async function assertBlobsMatchNames(dir: string): Promise<void> {
  const blobDir = join(dir, "blobs", "sha256");
  for (const name of await readdir(blobDir)) {
    assert.equal(await sha256File(join(blobDir, name)), `sha256:${name}`, `blob ${name}`);
  }
}

const SAMPLE: LayerEntry[] = [
  dirEntry("etc", { mode: 0o755 }),
  fileEntry("etc/motd", "hello\n", { mode: 0o600, uid: 1000, gid: 1001 }),
  symlinkEntry("etc/link", "motd"),
  hardlinkEntry("etc/hard", "etc/motd"),
  whiteoutEntry("etc/gone"),
  opaqueEntry("var/cache"),
  fileEntry("bin/tool", "#!/bin/sh\n", { mode: 0o4755, mtime: new Date("2020-02-02T00:00:00Z") }),
];

describe("makeLayerTar", () => {
  it("writes every kind of entry with the requested metadata", async () => {
    const dir = await scratch("layer-kinds");
    const layer = await makeLayerTar(dir, SAMPLE);
    const listing = await verboseListing(layer.path);
    assert.deepEqual(
      [...listing.keys()],
      ["etc/", "etc/motd", "etc/link", "etc/hard", "etc/.wh.gone", "var/cache/.wh..wh..opq", "bin/tool"],
    );
    assert.match(listing.get("etc/")!, /^drwxr-xr-x 0\/0 /);
    assert.match(listing.get("etc/motd")!, /^-rw------- 1000\/1001 +6 2024-01-01/);
    assert.match(listing.get("etc/link")!, /^lrwxrwxrwx .* etc\/link -> motd$/);
    assert.match(listing.get("etc/hard")!, /^hrw-r--r-- .* etc\/hard link to etc\/motd$/);
    assert.match(listing.get("bin/tool")!, /^-rwsr-xr-x .* 2020-02-02/);
    assert.equal(layer.digest, layer.diffId);
    assert.equal(layer.digest, await sha256File(layer.path));
    assert.equal(layer.size, (await stat(layer.path)).size);
  });

  it("is deterministic", async () => {
    const a = await makeLayerTar(await scratch("det-a"), SAMPLE);
    const b = await makeLayerTar(await scratch("det-b"), SAMPLE);
    assert.equal(a.digest, b.digest);
  });

  it("gzips on request; diffId stays the digest of the uncompressed tar", async () => {
    const dir = await scratch("layer-gzip");
    const plain = await makeLayerTar(dir, SAMPLE);
    const gz = await makeLayerTar(dir, SAMPLE, { gzip: true });
    assert.equal(gz.gzip, true);
    assert.ok(gz.path.endsWith(".tar.gz"));
    assert.notEqual(gz.digest, gz.diffId);
    assert.equal(gz.diffId, plain.diffId);
    assert.equal(sha256Digest(gunzipSync(await readFile(gz.path))), plain.diffId);
  });

  it("writes hostile names verbatim", async () => {
    const dir = await scratch("layer-hostile");
    for (const [name, entries] of Object.entries(hostileEntries)) {
      const layer = await makeLayerTar(dir, entries, { name: `${name}.tar` });
      const names = [...(await verboseListing(layer.path)).keys()];
      const expected = entries.map((e) => (e.type === "dir" ? `${e.path}/` : e.path));
      assert.deepEqual(names, expected, name);
    }
  });

  it("carries xattrs as PAX records", async () => {
    const dir = await scratch("layer-xattr");
    const capability = Uint8Array.from([1, 0, 0, 2, 0x20, 0, 0, 0]);
    const layer = await makeLayerTar(dir, [
      fileEntry("ping", "x", { xattrs: { "security.capability": capability } }),
    ]);
    const bytes = await readFile(layer.path);
    assert.ok(bytes.includes(Buffer.from("SCHILY.xattr.security.capability=")));
    assert.ok(bytes.includes(Buffer.from(capability)));
  });
});

interface OciIndex {
  manifests: { mediaType: string; digest: string; size: number; annotations?: Record<string, string> }[];
}
interface OciManifest {
  mediaType: string;
  config: { digest: string; size: number; mediaType: string };
  layers: { digest: string; size: number; mediaType: string }[];
}

describe("makeDockerArchive (Docker 25+ shape)", () => {
  let archive: string;
  let unpacked: string;
  let built: Awaited<ReturnType<typeof makeDockerArchive>>;

  before(async () => {
    const dir = await scratch("docker-oci");
    archive = join(dir, "images.tar");
    built = await makeDockerArchive(archive, [
      {
        repoTags: ["busybox:latest", "example.com/app:v1"],
        layers: [SAMPLE, [fileEntry("hello", "world\n")]],
      },
      {
        repoTags: [],
        layers: [{ entries: SAMPLE, gzip: true, createdBy: "ADD gz" }],
        config: { config: { Cmd: ["true"] } },
      },
    ]);
    unpacked = join(dir, "unpacked");
    await mkdir(unpacked);
    await extractTar(archive, unpacked);
  });

  it("lists like docker save output", async () => {
    const names = await listTar(archive);
    for (const name of [
      "blobs/",
      "blobs/sha256/",
      "index.json",
      "manifest.json",
      "oci-layout",
      "repositories",
    ]) {
      assert.ok(names.includes(name), `${name} in ${names.join(", ")}`);
    }
    assert.ok(names.every((n) => !n.startsWith("./")));
  });

  it("stores blobs under their digests and manifest.json refers to existing files", async () => {
    await assertBlobsMatchNames(unpacked);
    const manifest = await readJson<DockerManifestItem[]>(join(unpacked, "manifest.json"));
    assert.deepEqual(manifest, built.manifest);
    assert.equal(manifest.length, 2);
    assert.deepEqual(manifest[0]!.RepoTags, ["busybox:latest", "example.com/app:v1"]);
    assert.equal(manifest[1]!.RepoTags, null);
    for (const item of manifest) {
      for (const member of [item.Config, ...item.Layers])
        assert.ok(existsSync(join(unpacked, member)), member);
      const config = await readJson<ImageConfig>(join(unpacked, item.Config));
      const diffIds = [];
      for (const layer of item.Layers) {
        const bytes = await readFile(join(unpacked, layer));
        diffIds.push(sha256Digest(bytes[0] === 0x1f ? gunzipSync(bytes) : bytes));
      }
      assert.deepEqual(config.rootfs, { type: "layers", diff_ids: diffIds });
      assert.equal(config.architecture, hostPlatform().architecture);
      assert.equal(config.os, "linux");
      assert.equal(config.history?.length, diffIds.length);
    }
    assert.deepEqual(built.images[1]!.config.config, { Cmd: ["true"] });
    assert.equal(built.images[1]!.config.history?.[0]?.created_by, "ADD gz");
  });

  it("writes an OCI index with one descriptor per tag", async () => {
    assert.deepEqual(await readJson(join(unpacked, "oci-layout")), { imageLayoutVersion: "1.0.0" });
    const index = await readJson<OciIndex>(join(unpacked, "index.json"));
    assert.deepEqual(
      index.manifests.map((m) => m.annotations),
      [
        {
          "io.containerd.image.name": "docker.io/library/busybox:latest",
          "org.opencontainers.image.ref.name": "latest",
        },
        { "io.containerd.image.name": "example.com/app:v1", "org.opencontainers.image.ref.name": "v1" },
      ],
    );
    const descriptor = index.manifests[0]!;
    const manifestPath = join(unpacked, "blobs", "sha256", descriptor.digest.slice(7));
    assert.equal((await stat(manifestPath)).size, descriptor.size);
    const manifest = await readJson<OciManifest>(manifestPath);
    assert.equal(manifest.config.digest, built.images[0]!.id);
    assert.deepEqual(
      manifest.layers.map((l) => l.mediaType),
      ["application/vnd.oci.image.layer.v1.tar", "application/vnd.oci.image.layer.v1.tar"],
    );
  });

  it("writes the legacy repositories file", async () => {
    const repositories = await readJson<Record<string, Record<string, string>>>(
      join(unpacked, "repositories"),
    );
    const top = built.images[0]!.layers[1]!.diffId.slice(7);
    assert.deepEqual(repositories, { busybox: { latest: top }, "example.com/app": { v1: top } });
  });

  it("is readable by skopeo", { skip: !existsSync("/usr/bin/skopeo") && "no skopeo" }, async () => {
    const result = await runCommand("skopeo", [
      "inspect",
      "--raw",
      `docker-archive:${archive}:busybox:latest`,
    ]);
    assert.equal(result.code, 0, result.stderr);
    const copy = await runCommand("skopeo", [
      "--insecure-policy",
      "copy",
      "--quiet",
      `docker-archive:${archive}:busybox:latest`,
      `dir:${join(work, "skopeo-docker-oci")}`,
    ]);
    assert.equal(copy.code, 0, copy.stderr);
  });
});

describe("makeDockerArchive (legacy shape)", () => {
  it("writes <id>/layer.tar, <config>.json, manifest.json and repositories", async () => {
    const dir = await scratch("docker-legacy");
    const archive = join(dir, "legacy.tar");
    const built = await makeDockerArchive(
      archive,
      [
        { repoTags: ["app:1"], layers: [SAMPLE, [fileEntry("a", "1")]] },
        { repoTags: ["app:2"], layers: [SAMPLE, [fileEntry("b", "2")]] },
      ],
      { format: "legacy" },
    );
    const names = await listTar(archive);
    assert.ok(!names.some((n) => n.startsWith("blobs/") || n === "index.json" || n === "oci-layout"));
    const unpacked = join(dir, "unpacked");
    await mkdir(unpacked);
    await extractTar(archive, unpacked);
    const manifest = await readJson<DockerManifestItem[]>(join(unpacked, "manifest.json"));
    for (const [i, item] of manifest.entries()) {
      assert.match(item.Config, /^[0-9a-f]{64}\.json$/);
      assert.equal(`sha256:${item.Config.slice(0, 64)}`, await sha256File(join(unpacked, item.Config)));
      assert.equal(built.images[i]!.id, `sha256:${item.Config.slice(0, 64)}`);
      for (const layer of item.Layers) {
        assert.match(layer, /^[0-9a-f]{64}\/layer\.tar$/);
        const v1Dir = join(unpacked, layer.slice(0, 64));
        assert.equal(await readFile(join(v1Dir, "VERSION"), "utf8"), "1.0");
        assert.equal((await readJson<{ id: string }>(join(v1Dir, "json"))).id, layer.slice(0, 64));
      }
      const config = await readJson<ImageConfig>(join(unpacked, item.Config));
      const diffIds = await Promise.all(item.Layers.map((l) => sha256File(join(unpacked, l))));
      assert.deepEqual(config.rootfs.diff_ids, diffIds);
    }
    // The shared base layer is stored once.
    assert.equal(manifest[0]!.Layers[0], manifest[1]!.Layers[0]);
    const repositories = await readJson<Record<string, Record<string, string>>>(
      join(unpacked, "repositories"),
    );
    assert.deepEqual(Object.keys(repositories.app!).sort(), ["1", "2"]);
    assert.equal(repositories.app!["1"], manifest[0]!.Layers[1]!.slice(0, 64));
    if (existsSync("/usr/bin/skopeo")) {
      const result = await runCommand("skopeo", ["inspect", `docker-archive:${archive}:app:2`]);
      assert.equal(result.code, 0, result.stderr);
    }
  });
});

describe("makeOciLayout", () => {
  it("writes gzipped layers, ref-name annotations and nested indexes", async () => {
    const dir = await scratch("oci-layout");
    const archive = join(dir, "layout.tar");
    const built = await makeOciLayout(archive, [
      { refName: "latest", layers: [SAMPLE], config: { config: { Entrypoint: ["/bin/tool"] } } },
      {
        refName: "multi",
        manifests: [
          { layers: [[fileEntry("arch", "amd64")]], config: { architecture: "amd64" } },
          { layers: [[fileEntry("arch", "arm64")]], config: { architecture: "arm64", variant: "v8" } },
        ],
      },
      { layers: [{ entries: SAMPLE, gzip: false }] },
    ]);
    const unpacked = join(dir, "unpacked");
    await mkdir(unpacked);
    await extractTar(archive, unpacked);
    assert.deepEqual(
      (await listTar(archive)).filter((n) => !n.startsWith("blobs/")),
      ["index.json", "oci-layout"],
    );
    await assertBlobsMatchNames(unpacked);

    const index = await readJson<OciIndex>(join(unpacked, "index.json"));
    assert.deepEqual(index, built.index);
    assert.deepEqual(
      index.manifests.map((m) => [m.mediaType, m.annotations?.["org.opencontainers.image.ref.name"]]),
      [
        ["application/vnd.oci.image.manifest.v1+json", "latest"],
        ["application/vnd.oci.image.index.v1+json", "multi"],
        ["application/vnd.oci.image.manifest.v1+json", undefined],
      ],
    );
    const first = await readJson<OciManifest>(
      join(unpacked, "blobs", "sha256", index.manifests[0]!.digest.slice(7)),
    );
    assert.equal(first.layers[0]!.mediaType, "application/vnd.oci.image.layer.v1.tar+gzip");
    const plain = await readJson<OciManifest>(
      join(unpacked, "blobs", "sha256", index.manifests[2]!.digest.slice(7)),
    );
    assert.equal(plain.layers[0]!.mediaType, "application/vnd.oci.image.layer.v1.tar");

    const nested = await readJson<{ manifests: { platform: unknown }[] }>(
      join(unpacked, "blobs", "sha256", index.manifests[1]!.digest.slice(7)),
    );
    assert.deepEqual(
      nested.manifests.map((m) => m.platform),
      [
        { architecture: "amd64", os: "linux" },
        { architecture: "arm64", os: "linux", variant: "v8" },
      ],
    );
    if (existsSync("/usr/bin/skopeo")) {
      const copy = await runCommand("skopeo", [
        "--insecure-policy",
        "copy",
        "--quiet",
        `oci-archive:${archive}:latest`,
        `dir:${join(dir, "skopeo-out")}`,
      ]);
      assert.equal(copy.code, 0, copy.stderr);
    }
  });

  it("can use Docker schema-2 media types", async () => {
    const dir = await scratch("oci-docker-types");
    const built = await makeOciLayout(join(dir, "l.tar"), [{ refName: "x", layers: [SAMPLE] }], {
      mediaTypes: "docker",
    });
    assert.equal(built.index.manifests[0]!.mediaType, "application/vnd.docker.distribution.manifest.v2+json");
    assert.equal(
      built.entries[0]!.images[0]!.layers[0]!.mediaType,
      "application/vnd.docker.image.rootfs.diff.tar.gzip",
    );
  });
});

describe("tamper helpers", () => {
  async function freshArchive(
    name: string,
  ): Promise<{ archive: string; built: Awaited<ReturnType<typeof makeDockerArchive>> }> {
    const dir = await scratch(name);
    const archive = join(dir, "a.tar");
    const built = await makeDockerArchive(archive, [{ repoTags: ["t:1"], layers: [SAMPLE] }]);
    return { archive, built };
  }

  async function unpack(archive: string): Promise<string> {
    const dir = `${archive}.d`;
    await mkdir(dir);
    await extractTar(archive, dir);
    return dir;
  }

  it("corruptArchiveMember breaks exactly that blob's digest", async () => {
    const { archive, built } = await freshArchive("tamper-flip");
    const member = built.images[0]!.layerMembers[0]!;
    await corruptArchiveMember(archive, member);
    const dir = await unpack(archive);
    assert.notEqual(await sha256File(join(dir, member)), built.images[0]!.layers[0]!.digest);
    assert.equal(await sha256File(join(dir, built.images[0]!.configMember)), built.images[0]!.id);
  });

  it("setDescriptorSize makes the manifest lie about a size while index.json stays consistent", async () => {
    const { archive, built } = await freshArchive("tamper-size");
    const newDigest = await setDescriptorSize(archive, { layer: 0 }, 12345);
    const dir = await unpack(archive);
    await assertBlobsMatchNames(dir);
    const index = await readJson<OciIndex>(join(dir, "index.json"));
    assert.equal(index.manifests[0]!.digest, newDigest);
    const manifestPath = join(dir, "blobs", "sha256", newDigest.slice(7));
    assert.equal(index.manifests[0]!.size, (await stat(manifestPath)).size);
    const manifest = await readJson<OciManifest>(manifestPath);
    assert.equal(manifest.layers[0]!.size, 12345);
    assert.notEqual(built.images[0]!.layers[0]!.size, 12345);
  });

  it("removeArchiveMember and truncateFile", async () => {
    const { archive } = await freshArchive("tamper-remove");
    await removeArchiveMember(archive, "manifest.json");
    assert.ok(!(await listTar(archive)).includes("manifest.json"));
    const before = (await stat(archive)).size;
    await truncateFile(archive, -1000);
    assert.equal((await stat(archive)).size, before - 1000);
    await truncateFile(archive, 100);
    assert.equal((await stat(archive)).size, 100);
  });

  it("appendTarEntries adds hostile members to an existing tar", async () => {
    const { archive } = await freshArchive("tamper-append");
    await appendTarEntries(archive, [...hostileEntries.dotDot!, ...hostileEntries.absolute!]);
    const names = await listTar(archive);
    assert.deepEqual(names.slice(-2), ["../berth-escape", "/tmp/berth-escape"]);
    assert.ok(names.includes("manifest.json"));
  });
});

describe("chainIds", () => {
  it("follows OCI config.md's recursion", () => {
    const [a, b] = [sha256Digest("a"), sha256Digest("b")];
    assert.deepEqual(chainIds([a, b]), [a, sha256Digest(`${a} ${b}`)]);
  });
});

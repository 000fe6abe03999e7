// Bad archives given to `docker load`: each is refused with a clear error, leaves no image, no
// blob, no snapshot and no temp file behind, writes nothing outside the daemon's root, and the
// daemon keeps serving. A kill -9 in the middle of a load is reconciled by the next start.
import assert from "node:assert/strict";
import { existsSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, afterEach, before, describe, it } from "node:test";
import { makeBusyboxImage } from "../helpers/busybox.ts";
import { startDaemon, type TestDaemon } from "../helpers/daemon.ts";
import {
  corruptArchiveMember,
  fileEntry,
  hostileEntries,
  makeDockerArchive,
  setDescriptorSize,
  truncateFile,
} from "../helpers/image-fixtures.ts";

function listOrEmpty(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir) : [];
}

async function assertNothingStored(daemon: TestDaemon): Promise<void> {
  const images = await daemon.request("GET", "/images/json?all=1");
  assert.deepEqual(images.json(), [], "no image listed");
  assert.deepEqual(listOrEmpty(join(daemon.root, "content", "blobs", "sha256")), [], "no orphan blob");
  assert.deepEqual(listOrEmpty(join(daemon.root, "content", "ingest")), [], "no ingest temp file");
  assert.deepEqual(listOrEmpty(join(daemon.root, "overlay")), [], "no snapshot");
  assert.equal((await daemon.request("GET", "/_ping")).status, 200, "daemon alive");
}

describe("docker load refuses bad archives", () => {
  let daemon: TestDaemon;
  before(async () => {
    daemon = await startDaemon();
  });
  after(() => daemon.cleanup());
  // A failed case must not leave images that make the next case fail too.
  afterEach(async () => {
    for (const img of (await daemon.request("GET", "/images/json")).json<{ Id: string }[]>()) {
      await daemon.request("DELETE", `/images/${img.Id}?force=1`);
    }
  });

  const refuse = async (archive: string, message: RegExp): Promise<void> => {
    const load = await daemon.docker(["load", "-i", archive]);
    assert.notEqual(load.code, 0, `load should fail: ${load.stdout}`);
    assert.match(load.stderr, message);
    await assertNothingStored(daemon);
  };

  it("a truncated archive", async () => {
    const path = join(daemon.dir, "truncated.tar");
    await makeBusyboxImage(path);
    await truncateFile(path, -300_000);
    await refuse(path, /invalid archive|unexpected end|truncated/i);
  });

  it("a layer whose content does not match its digest", async () => {
    const path = join(daemon.dir, "corrupt.tar");
    const built = await makeBusyboxImage(path);
    await corruptArchiveMember(path, built.images[0]?.layerMembers[0] ?? "");
    await refuse(path, /digest mismatch/);
  });

  it("a legacy layer whose content does not match the config's diff ID", async () => {
    const path = join(daemon.dir, "corrupt-legacy.tar");
    const built = await makeBusyboxImage(path, { format: "legacy" });
    await corruptArchiveMember(path, built.images[0]?.layerMembers[0] ?? "");
    await refuse(path, /does not match diff ID|invalid archive/);
  });

  it("a descriptor announcing a huge size", async () => {
    const path = join(daemon.dir, "huge.tar");
    await makeBusyboxImage(path);
    await setDescriptorSize(path, { layer: 0 }, 10 * 1024 ** 4);
    await refuse(path, /bytes, its descriptor says|size/);
  });

  it("an image name with invalid characters", async () => {
    const path = join(daemon.dir, "badname.tar");
    await makeDockerArchive(path, [{ repoTags: ["Bad Name:latest"], layers: [[fileEntry("x", "x")]] }]);
    await refuse(path, /invalid reference format/);
  });

  it("something that is not a tar at all", async () => {
    const path = join(daemon.dir, "garbage.tar");
    writeFileSync(path, Buffer.alloc(4096, 0x41));
    await refuse(path, /invalid archive|checksum|tar/i);
  });

  // A safe unpacker refuses these, or (for links that resolve inside the root, as Docker allows)
  // keeps every write inside the layer. Either way nothing may appear outside.
  for (const [name, entries] of Object.entries(hostileEntries)) {
    it(`a layer that tries to escape its root (${name})`, async () => {
      const path = join(daemon.dir, `hostile-${name}.tar`);
      await makeDockerArchive(path, [{ repoTags: [`hostile:${name.toLowerCase()}`], layers: [entries] }]);
      const outside = ["/tmp/berth-escape", "/tmp/berth-escape-dir"];
      for (const p of outside) assert.equal(existsSync(p), false, `${p} exists before the test`);
      const load = await daemon.docker(["load", "-i", path]);
      for (const p of outside) assert.equal(existsSync(p), false, `nothing written to ${p}`);
      if (load.code !== 0) {
        assert.match(load.stderr, /invalid|escape|outside|unsafe/i);
        await assertNothingStored(daemon);
      } else {
        assert.match(
          name,
          /^(absoluteSymlinkEscape|symlinkDirEscape|symlinkEscape)$/,
          "only in-root links may load",
        );
      }
    });
  }
});

describe("a crash in the middle of a load", () => {
  it("leaves a store that the next start reconciles", async () => {
    const daemon = await startDaemon();
    try {
      const archive = join(daemon.dir, "busybox.tar");
      await makeBusyboxImage(archive);
      // Send the first part of the archive and hold the request open, then kill -9.
      const { readFileSync } = await import("node:fs");
      const bytes = readFileSync(archive);
      const { PassThrough } = await import("node:stream");
      const body = new PassThrough();
      const pending = daemon
        .request("POST", "/images/load", body, { "Content-Type": "application/x-tar" })
        .catch(() => undefined);
      body.write(bytes.subarray(0, Math.floor(bytes.length * 0.7)));
      const ingest = join(daemon.root, "content", "ingest");
      const deadline = Date.now() + 20_000;
      while (listOrEmpty(ingest).length === 0 && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 20));
      }
      assert.ok(
        listOrEmpty(ingest).length > 0 ||
          listOrEmpty(join(daemon.root, "content", "blobs", "sha256")).length > 0,
      );
      await daemon.kill9();
      body.destroy();
      await pending;
      await daemon.restart();
      await assertNothingStored(daemon);
      const load = await daemon.docker(["load", "-i", archive]);
      assert.equal(load.code, 0, load.stderr);
    } finally {
      await daemon.cleanup();
    }
  });
});

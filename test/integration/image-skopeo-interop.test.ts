// Archives berth writes are read by skopeo (a real, independent implementation of both the
// docker-archive and OCI layouts), and archives skopeo writes load into berth.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { before, describe, it } from "node:test";
import { useBusyboxDaemon } from "../helpers/use-busybox-daemon.ts";

const skopeo = (...args: string[]): string => execFileSync("skopeo", args, { encoding: "utf8" });

describe("skopeo interoperability", () => {
  const daemon = useBusyboxDaemon({ removeContainers: false });
  let saved: string;

  before(async () => {
    saved = join(daemon.dir, "saved.tar");
    const save = await daemon.docker(["save", "-o", saved, "busybox:latest"]);
    assert.equal(save.code, 0, save.stderr);
  });

  it("skopeo reads a saved archive as docker-archive and as an OCI layout", () => {
    const inspect = (ref: string): { Layers: string[]; Architecture: string } =>
      JSON.parse(skopeo("inspect", ref)) as { Layers: string[]; Architecture: string };
    const asDocker = inspect(`docker-archive:${saved}`);
    const asOci = inspect(`oci-archive:${saved}`);
    assert.equal(asDocker.Layers.length, 1);
    assert.deepEqual(asOci.Layers, asDocker.Layers);
  });

  it("berth loads what skopeo writes, in both formats", async () => {
    const oci = join(daemon.dir, "skopeo-oci.tar");
    const legacy = join(daemon.dir, "skopeo-docker.tar");
    skopeo("copy", "--quiet", `docker-archive:${saved}`, `oci-archive:${oci}:docker.io/skopeo/box:7`);
    skopeo("copy", "--quiet", `docker-archive:${saved}`, `docker-archive:${legacy}:skopeo/legacy:1`);
    for (const [file, name] of [
      [oci, "skopeo/box:7"],
      [legacy, "skopeo/legacy:1"],
    ] as const) {
      const load = await daemon.docker(["load", "-i", file]);
      assert.equal(load.code, 0, load.stderr);
      assert.equal(load.stdout.trim(), `Loaded image: ${name}`);
    }
    const legacyId = await daemon.docker(["image", "inspect", "--format", "{{.Id}}", "skopeo/legacy:1"]);
    const originalId = await daemon.docker(["image", "inspect", "--format", "{{.Id}}", "busybox:latest"]);
    assert.equal(legacyId.stdout, originalId.stdout, "docker-archive copies keep the image ID");
  });
});

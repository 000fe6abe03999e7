// `docker images` and `docker ps` answer from rows cached until the metadata db changes
// (src/daemon/changes-memo.ts): every kind of change must show in the very next list. Each
// step lists first (so a cache holds the old state), changes one thing through the real docker
// CLI, then lists again. Responses are validated against the swagger.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { makeBusyboxImage, removeAllContainers, startBusyboxDaemon } from "../helpers/busybox.ts";
import { fileBody, type TestDaemon } from "../helpers/daemon.ts";
import { removeTestNetwork } from "../helpers/network-cleanup.ts";
import { validateResponse } from "../helpers/swagger-validator.ts";

interface ImageRow {
  Id: string;
  RepoTags: string[];
  Labels: Record<string, string>;
  VirtualSize?: number;
  Size: number;
}

interface ContainerRow {
  Id: string;
  Names: string[];
  Image: string;
  ImageID: string;
  State: string;
  Status: string;
  NetworkSettings: { Networks: Record<string, unknown> };
  SizeRw?: number;
  SizeRootFs?: number;
}

describe("list caches follow every change", () => {
  let daemon: TestDaemon;
  const bridge = `bl${randomBytes(4).toString("hex")}`;

  const ok = async (args: string[]): Promise<string> => {
    const r = await daemon.docker(args);
    assert.equal(r.code, 0, `docker ${args.join(" ")}: ${r.stderr}`);
    return r.stdout.trim();
  };
  const images = async (version = "v1.47"): Promise<ImageRow[]> => {
    const res = await daemon.request("GET", `/${version}/images/json`);
    assert.equal(res.status, 200, res.text());
    validateResponse("get", "/images/json", 200, res.json());
    return res.json<ImageRow[]>();
  };
  const tags = async (): Promise<string[]> => (await images()).flatMap((i) => i.RepoTags).sort();
  const containers = async (query = "all=1"): Promise<ContainerRow[]> => {
    const res = await daemon.request("GET", `/containers/json?${query}`);
    assert.equal(res.status, 200, res.text());
    validateResponse("get", "/containers/json", 200, res.json());
    return res.json<ContainerRow[]>();
  };
  const one = async (query = "all=1"): Promise<ContainerRow | undefined> => {
    const list = await containers(query);
    assert.ok(list.length <= 1, JSON.stringify(list));
    return list[0];
  };

  before(async () => {
    daemon = await startBusyboxDaemon();
  });
  after(async () => {
    await removeAllContainers(daemon);
    await daemon.docker(["network", "rm", "lcnet"]);
    await daemon.cleanup();
    await removeTestNetwork(bridge);
  });

  it("docker images: tag, untag, load, rmi, and old API versions' VirtualSize", async () => {
    assert.deepEqual(await tags(), ["busybox:latest"]);
    await ok(["tag", "busybox:latest", "cache/x:1"]);
    assert.deepEqual(await tags(), ["busybox:latest", "cache/x:1"]);
    const cli = await ok(["images", "--format", "{{.Repository}}:{{.Tag}}"]);
    assert.deepEqual(cli.split("\n").sort(), ["busybox:latest", "cache/x:1"]);

    await ok(["rmi", "cache/x:1"]);
    assert.deepEqual(await tags(), ["busybox:latest"]);

    const archive = join(daemon.dir, "other.tar");
    await makeBusyboxImage(archive, {
      repoTags: ["other:1"],
      config: { config: { Cmd: ["sh"], Labels: { n: "2" } } },
    });
    await images();
    const load = await daemon.request("POST", "/images/load", fileBody(archive, "application/x-tar"));
    assert.equal(load.status, 200, load.text());
    const other = (await images()).find((i) => i.RepoTags.includes("other:1"));
    assert.deepEqual(other?.Labels, { n: "2" });

    // API < 1.44 adds VirtualSize to its own copies: later answers stay without it.
    const old = await images("v1.43");
    assert.ok(old.every((i) => i.VirtualSize === i.Size));
    assert.ok((await images()).every((i) => !("VirtualSize" in i)));

    await ok(["rmi", "other:1"]);
    const after = await images();
    assert.deepEqual(
      after.flatMap((i) => i.RepoTags),
      ["busybox:latest"],
    );
    assert.equal(
      after.find((i) => i.Id === other?.Id),
      undefined,
    );
  });

  it("docker ps: create, start, rename, pause, network connect/disconnect, retag, size, stop, rm", async () => {
    assert.equal(await one(), undefined);
    const id = await ok(["create", "--name", "c1", "busybox", "sleep", "1000"]);
    let row = await one();
    assert.deepEqual([row?.Id, row?.Names, row?.State, row?.Status], [id, ["/c1"], "created", "Created"]);
    assert.equal(await one("all=0"), undefined);

    await ok(["start", "c1"]);
    row = await one("all=0");
    assert.equal(row?.State, "running");
    assert.match(row?.Status ?? "", /^Up /);
    assert.deepEqual(Object.keys(row?.NetworkSettings.Networks ?? {}), ["bridge"]);

    await ok(["rename", "c1", "c2"]);
    assert.deepEqual((await one())?.Names, ["/c2"]);
    assert.equal(await ok(["ps", "--format", "{{.Names}} {{.State}}"]), "c2 running");

    await ok(["pause", "c2"]);
    row = await one();
    assert.equal(row?.State, "paused");
    assert.match(row?.Status ?? "", /\(Paused\)$/);
    await ok(["unpause", "c2"]);
    row = await one();
    assert.equal(row?.State, "running");
    assert.doesNotMatch(row?.Status ?? "", /Paused/);

    await ok(["network", "create", "-o", `com.docker.network.bridge.name=${bridge}`, "lcnet"]);
    await ok(["network", "connect", "lcnet", "c2"]);
    assert.deepEqual(Object.keys((await one())?.NetworkSettings.Networks ?? {}).sort(), ["bridge", "lcnet"]);
    const shown = await ok(["ps", "--format", "{{.Networks}}"]);
    assert.equal(shown.split(",").sort().join(","), "bridge,lcnet");
    await ok(["network", "disconnect", "lcnet", "c2"]);
    assert.deepEqual(Object.keys((await one())?.NetworkSettings.Networks ?? {}), ["bridge"]);

    // The image column shows the name while it still points at the container's image (an
    // images-table change, not a containers one).
    row = await one();
    assert.equal(row?.Image, "busybox");
    const busyboxId = row?.ImageID ?? "";
    await ok(["tag", "busybox:latest", "keep:1"]);
    await ok(["rmi", "busybox:latest"]);
    assert.equal((await one())?.Image, busyboxId);
    await ok(["tag", "keep:1", "busybox:latest"]);
    assert.equal((await one())?.Image, "busybox");

    // Sizes are per request: a later plain list has none.
    row = await one("all=1&size=1");
    assert.equal(typeof row?.SizeRw, "number");
    assert.ok((row?.SizeRootFs ?? 0) > 0);
    row = await one();
    assert.equal(row && "SizeRw" in row, false);

    await ok(["stop", "-t", "0", "c2"]);
    assert.equal(await one("all=0"), undefined);
    row = await one();
    assert.equal(row?.State, "exited");
    assert.match(row?.Status ?? "", /^Exited \(\d+\) /);

    await ok(["rm", "c2"]);
    assert.equal(await one(), undefined);
    assert.equal(await ok(["ps", "-aq"]), "");
  });
});

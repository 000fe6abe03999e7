// --mount (bind, volume, tmpfs), anonymous volumes (image VOLUME and -v /path), rm -v,
// --volumes-from and the Mounts of inspect, through the real docker CLI; volume holds survive a
// daemon restart.
import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { before, describe, it } from "node:test";
import { makeBusyboxImage } from "../helpers/busybox.ts";
import { validateResponse } from "../helpers/swagger-validator.ts";
import { useBusyboxDaemon } from "../helpers/use-busybox-daemon.ts";

interface Mount {
  Type: string;
  Name?: string;
  Source: string;
  Destination: string;
  Driver?: string;
  Mode: string;
  RW: boolean;
  Propagation: string;
}

describe("container mounts", () => {
  const daemon = useBusyboxDaemon({ volumes: true });
  before(async () => {
    const volImage = join(daemon.dir, "volimg.tar");
    await makeBusyboxImage(volImage, {
      repoTags: ["volimg:latest"],
      config: { config: { Env: ["PATH=/bin"], Cmd: ["sh"], Volumes: { "/etc": {} } } },
    });
    assert.equal((await daemon.docker(["load", "-i", volImage])).code, 0);
  });

  async function mounts(name: string): Promise<Mount[]> {
    const res = await daemon.request("GET", `/containers/${name}/json`);
    assert.equal(res.status, 200);
    validateResponse("get", "/containers/{id}/json", 200, res.json());
    return res.json<{ Mounts: Mount[] }>().Mounts;
  }
  const volumeNames = async (): Promise<string[]> =>
    (await daemon.docker(["volume", "ls", "-q"])).stdout.split("\n").filter(Boolean);
  const containerCount = async (): Promise<number> =>
    (await daemon.docker(["ps", "-aq"])).stdout.split("\n").filter(Boolean).length;

  it("--mount type=bind: a missing source is Docker's error and leaves nothing; ro binds are read-only", async () => {
    const count = await containerCount();
    const missing = join(daemon.dir, "nope");
    const bad = await daemon.docker([
      "run",
      "--rm",
      "--mount",
      `type=bind,src=${missing},dst=/x`,
      "busybox",
      "true",
    ]);
    assert.equal(bad.code, 125);
    assert.match(
      bad.stderr,
      new RegExp(`invalid mount config for type "bind": bind source path does not exist: ${missing}`),
    );
    assert.equal(await containerCount(), count);
    const unknown = await daemon.docker(["create", "--mount", "type=bind,dst=/x", "busybox", "true"]);
    assert.notEqual(unknown.code, 0);
    assert.match(unknown.stderr, /field Source must not be empty/);

    const host = join(daemon.dir, "share");
    mkdirSync(host);
    writeFileSync(join(host, "f"), "from host\n");
    const ro = await daemon.docker([
      "run",
      "--name",
      "bindro",
      "--mount",
      `type=bind,source=${host},target=/h,readonly`,
      "busybox",
      "sh",
      "-c",
      "cat /h/f; touch /h/g",
    ]);
    assert.equal(ro.stdout, "from host\n");
    assert.notEqual(ro.code, 0);
    assert.deepEqual(await mounts("bindro"), [
      { Type: "bind", Source: host, Destination: "/h", Mode: "", RW: false, Propagation: "rprivate" },
    ]);
  });

  it("--mount type=volume copies the image's content unless volume-nocopy; type=tmpfs with size and mode", async () => {
    const copied = await daemon.docker([
      "run",
      "--rm",
      "--mount",
      "type=volume,src=etcvol,dst=/etc",
      "busybox",
      "sh",
      "-c",
      "test -s /etc/passwd && echo copied",
    ]);
    assert.equal(copied.stdout, "copied\n", copied.stderr);
    const nocopy = await daemon.docker([
      "run",
      "--rm",
      "--mount",
      "type=volume,src=emptyvol,dst=/etc,volume-nocopy",
      "busybox",
      "sh",
      "-c",
      "test -e /etc/passwd || echo empty",
    ]);
    assert.equal(nocopy.stdout, "empty\n", nocopy.stderr);
    const labelled = await daemon.docker([
      "run",
      "--rm",
      "--mount",
      "type=volume,src=optvol,dst=/v,volume-opt=type=tmpfs,volume-opt=device=tmpfs",
      "busybox",
      "sh",
      "-c",
      "grep ' /v ' /proc/mounts | cut -d' ' -f3",
    ]);
    assert.equal(labelled.stdout, "tmpfs\n", labelled.stderr);
    const opts = await daemon.docker(["volume", "inspect", "--format", "{{json .Options}}", "optvol"]);
    assert.equal(opts.stdout.trim(), '{"device":"tmpfs","type":"tmpfs"}');

    const tmpfs = await daemon.docker([
      "run",
      "--name",
      "tmpfsm",
      "--mount",
      "type=tmpfs,dst=/t,tmpfs-size=1m,tmpfs-mode=1770",
      "busybox",
      "sh",
      "-c",
      "grep ' /t ' /proc/mounts; stat -c %a /t",
    ]);
    assert.match(tmpfs.stdout, /^tmpfs \/t tmpfs rw,.*size=1024k.*\n1770\n$/, tmpfs.stderr);
    assert.deepEqual(await mounts("tmpfsm"), [
      { Type: "tmpfs", Source: "", Destination: "/t", Mode: "", RW: true, Propagation: "" },
    ]);
  });

  it("anonymous volumes from the image's VOLUME and -v /path, held until rm -v removes them", async () => {
    const before = new Set(await volumeNames());
    const run = await daemon.docker([
      "run",
      "--name",
      "anon",
      "-v",
      "/scratch",
      "-v",
      "keepme:/named",
      "volimg",
      "sh",
      "-c",
      "cat /etc/passwd >/dev/null && echo x > /scratch/f",
    ]);
    assert.equal(run.code, 0, run.stderr);
    const ms = await mounts("anon");
    const byDest = new Map(ms.map((m) => [m.Destination, m]));
    for (const dest of ["/etc", "/scratch"]) {
      const m = byDest.get(dest);
      assert.equal(m?.Type, "volume");
      assert.match(m?.Name ?? "", /^[0-9a-f]{64}$/);
      assert.equal(m?.Driver, "local");
      assert.equal(m?.RW, true);
    }
    assert.equal(byDest.get("/named")?.Name, "keepme");
    const anonName = byDest.get("/scratch")!.Name!;
    // ps --filter volume= matches a volume's name or a mount's destination; network= the mode.
    const ps = async (filter: string): Promise<string> =>
      (await daemon.docker(["ps", "-a", "--filter", filter, "--format", "{{.Names}}"])).stdout;
    assert.equal(await ps("volume=keepme"), "anon\n");
    assert.equal(await ps("volume=/scratch"), "anon\n");
    assert.equal(await ps("volume=nothing"), "");
    assert.match(await ps("network=bridge"), /^(.+\n)*anon\n/);
    assert.equal(await ps("network=none"), "");
    const labels = await daemon.docker(["volume", "inspect", "--format", "{{json .Labels}}", anonName]);
    assert.equal(labels.stdout.trim(), '{"com.docker.volume.anonymous":""}');
    const inUse = await daemon.docker(["volume", "rm", anonName]);
    assert.notEqual(inUse.code, 0);
    assert.match(inUse.stderr, /volume is in use/);
    // Held across a daemon restart too.
    await daemon.restart();
    assert.match((await daemon.docker(["volume", "rm", "keepme"])).stderr, /volume is in use/);
    const prune = await daemon.docker(["volume", "prune", "-f", "-a"]);
    assert.equal(prune.code, 0);
    assert.ok((await volumeNames()).includes(anonName), "prune took a volume in use");

    assert.equal((await daemon.docker(["rm", "-v", "anon"])).code, 0);
    const after = await volumeNames();
    assert.ok(after.includes("keepme"), "rm -v removed a named volume");
    assert.deepEqual(
      after.filter(
        (v) => !before.has(v) && v !== "keepme" && v !== "etcvol" && v !== "emptyvol" && v !== "optvol",
      ),
      [],
    );
    assert.equal((await daemon.docker(["volume", "rm", "keepme"])).code, 0);
  });

  it("--rm removes its anonymous volumes", async () => {
    const before = await volumeNames();
    assert.equal((await daemon.docker(["run", "--rm", "-v", "/gone", "busybox", "true"])).code, 0);
    const deadline = Date.now() + 10_000;
    while ((await volumeNames()).length !== before.length) {
      assert.ok(Date.now() < deadline, "anonymous volume of a --rm container left behind");
      await new Promise((r) => setTimeout(r, 50));
    }
  });

  it("--volumes-from shares volumes and binds, :ro forces read-only", async () => {
    const host = join(daemon.dir, "shared-bind");
    mkdirSync(host);
    assert.equal(
      (
        await daemon.docker([
          "create",
          "--name",
          "datasrc",
          "-v",
          "/data",
          "-v",
          `${host}:/hb`,
          "busybox",
          "true",
        ])
      ).code,
      0,
    );
    assert.equal(
      (
        await daemon.docker([
          "run",
          "--rm",
          "--volumes-from",
          "datasrc",
          "busybox",
          "sh",
          "-c",
          "echo hi > /data/f; echo b > /hb/b",
        ])
      ).code,
      0,
    );
    const ro = await daemon.docker([
      "run",
      "--name",
      "reader",
      "--volumes-from",
      "datasrc:ro",
      "busybox",
      "sh",
      "-c",
      "cat /data/f /hb/b; touch /data/g",
    ]);
    assert.equal(ro.stdout, "hi\nb\n");
    assert.notEqual(ro.code, 0, "wrote through a :ro volumes-from");
    const src = new Map((await mounts("datasrc")).map((m) => [m.Destination, m]));
    const got = new Map((await mounts("reader")).map((m) => [m.Destination, m]));
    assert.equal(got.get("/data")?.Name, src.get("/data")?.Name);
    assert.equal(got.get("/data")?.RW, false);
    assert.equal(got.get("/hb")?.Source, host);
    const missing = await daemon.docker(["create", "--volumes-from", "nosuch", "busybox", "true"]);
    assert.notEqual(missing.code, 0);
    assert.match(missing.stderr, /No such container: nosuch/);
    await daemon.docker(["rm", "reader"]);
    await daemon.docker(["rm", "-v", "datasrc"]);
  });
});

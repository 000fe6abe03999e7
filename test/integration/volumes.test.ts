// Named volumes through the real docker CLI, berth and the raw API (responses validated against the
// swagger); tmpfs-backed volumes mounted on acquire and unmounted on release, close and restart.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { openMetadataDb } from "../../src/metadata/index.ts";
import { VolumeService } from "../../src/volume/index.ts";
import { startDaemon, type TestDaemon } from "../helpers/daemon.ts";
import { unmountAllUnder } from "../helpers/mount-cleanup.ts";
import { validateResponse } from "../helpers/swagger-validator.ts";

interface WireVolume {
  Name: string;
  Driver: string;
  Mountpoint: string;
  CreatedAt: string;
  Labels: Record<string, string>;
  Options: Record<string, string>;
  Scope: string;
}

const TMPFS_OPTS = { type: "tmpfs", device: "tmpfs", o: "size=1m" };

function isMounted(path: string): boolean {
  return readFileSync("/proc/self/mountinfo", "utf8")
    .split("\n")
    .some((line) => line.split(" ")[4] === path);
}

describe("volumes through the API and both CLIs", () => {
  let daemon: TestDaemon;

  before(async () => {
    daemon = await startDaemon();
  });
  after(() => daemon.cleanup());

  it("creates, inspects and lists a volume through the API", async () => {
    const created = await daemon.request("POST", "/volumes/create", {
      Name: "api-vol",
      Labels: { team: "a" },
      DriverOpts: {},
    });
    assert.equal(created.status, 201, created.text());
    validateResponse("post", "/volumes/create", 201, created.json());
    const v = created.json<WireVolume>();
    assert.equal(v.Name, "api-vol");
    assert.equal(v.Driver, "local");
    assert.equal(v.Scope, "local");
    assert.equal(v.Mountpoint, join(daemon.root, "volumes", "api-vol", "_data"));
    assert.ok(existsSync(v.Mountpoint));
    assert.match(v.CreatedAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.deepEqual(v.Labels, { team: "a" });

    const again = await daemon.request("POST", "/volumes/create", { Name: "api-vol" });
    assert.equal(again.status, 201);
    assert.equal(again.json<WireVolume>().CreatedAt, v.CreatedAt, "create is idempotent");

    const inspect = await daemon.request("GET", "/volumes/api-vol");
    assert.equal(inspect.status, 200);
    validateResponse("get", "/volumes/{name}", 200, inspect.json());
    assert.deepEqual(inspect.json(), created.json());

    const list = await daemon.request("GET", "/volumes");
    assert.equal(list.status, 200);
    validateResponse("get", "/volumes", 200, list.json());
    const names = list.json<{ Volumes: WireVolume[] }>().Volumes.map((x) => x.Name);
    assert.ok(names.includes("api-vol"));

    const filtered = await daemon.request(
      "GET",
      `/volumes?filters=${encodeURIComponent(JSON.stringify({ label: ["team=b"] }))}`,
    );
    validateResponse("get", "/volumes", 200, filtered.json());
    assert.deepEqual(filtered.json<{ Volumes: WireVolume[] }>().Volumes, []);

    const anon = await daemon.request("POST", "/volumes/create", {});
    assert.equal(anon.status, 201);
    assert.match(anon.json<WireVolume>().Name, /^[0-9a-f]{64}$/);
    assert.ok("com.docker.volume.anonymous" in anon.json<WireVolume>().Labels);

    const missing = await daemon.request("GET", "/volumes/nosuch");
    assert.equal(missing.status, 404);
    assert.equal(missing.json<{ message: string }>().message, "get nosuch: no such volume");
    const del = await daemon.request("DELETE", "/volumes/api-vol");
    assert.equal(del.status, 204);
    assert.ok(!existsSync(v.Mountpoint));
    assert.equal((await daemon.request("DELETE", "/volumes/api-vol")).status, 404);
    assert.equal((await daemon.request("DELETE", "/volumes/api-vol?force=1")).status, 204);
    assert.equal((await daemon.request("DELETE", `/volumes/${anon.json<WireVolume>().Name}`)).status, 204);
  });

  it("rejects bad names, unknown drivers, unknown options and wrong JSON types", async () => {
    const cases: [object, number, string][] = [
      [{ Name: "x" }, 400, "volume name is too short, names should be at least two alphanumeric characters"],
      [
        { Name: "a b" },
        400,
        '"a b" includes invalid characters for a local volume name, only "[a-zA-Z0-9][a-zA-Z0-9_.-]" are allowed. If you intended to pass a host directory, use absolute path',
      ],
      [{ Name: "vv", Driver: "nope" }, 404, 'error looking up volume plugin nope: plugin "nope" not found'],
      [{ Name: "vv", DriverOpts: { foo: "bar" } }, 400, 'invalid option key: "foo"'],
      [{ Name: "vv", DriverOpts: { type: "tmpfs" } }, 400, 'missing required option: "device"'],
      [{ Name: 5 }, 400, "invalid JSON: Name must be a string"],
    ];
    for (const [body, status, message] of cases) {
      const res = await daemon.request("POST", "/volumes/create", body);
      assert.equal(res.status, status, JSON.stringify(body));
      assert.equal(res.json<{ message: string }>().message, message);
    }
    const cli = await daemon.docker(["volume", "create", "-o", "foo=bar", "vv"]);
    assert.equal(cli.code, 1);
    assert.equal(cli.stderr, 'Error response from daemon: invalid option key: "foo"\n');
    const list = await daemon.request("GET", "/volumes");
    assert.deepEqual(list.json<{ Volumes: WireVolume[] }>().Volumes, [], "no half-created volume");
  });

  it("docker and berth print the same for create, ls, inspect, rm", async () => {
    for (const args of [
      ["volume", "create", "--label", "k=v", "cli-a"],
      ["volume", "create", "-o", "type=tmpfs", "-o", "device=tmpfs", "-o", "o=size=1m", "cli-b"],
    ]) {
      const res = await daemon.docker(args);
      assert.equal(res.code, 0, res.stderr);
      assert.equal(res.stdout, `${args.at(-1)}\n`);
    }
    const same = async (args: string[]): Promise<string> => {
      const d = await daemon.docker(args);
      const b = await daemon.berth(args);
      assert.deepEqual(
        { code: b.code, stdout: b.stdout, stderr: b.stderr },
        { code: d.code, stdout: d.stdout, stderr: d.stderr },
        args.join(" "),
      );
      return d.stdout;
    };
    assert.equal(await same(["volume", "ls"]), "DRIVER    VOLUME NAME\nlocal     cli-a\nlocal     cli-b\n");
    assert.equal(await same(["volume", "ls", "-q", "--filter", "label=k=v"]), "cli-a\n");
    await same(["volume", "ls", "--format", "json"]);
    await same(["volume", "ls", "--format", 'table {{.Name}}\t{{.Labels}}\t{{.Label "k"}}\t{{.Scope}}']);
    await same(["volume", "ls", "--filter", "name=b$", "--filter", "dangling=true"]);
    await same(["volume", "inspect", "cli-a", "cli-b"]);
    await same(["volume", "inspect", "--format", "{{.Name}} {{json .Options}}", "cli-b"]);
    await same(["volume", "inspect", "nosuch"]);
    await same(["volume", "create", "--name", "a", "b"]);
    await same(["volume", "rm", "nosuch"]);
    assert.equal((await daemon.docker(["volume", "rm", "cli-a"])).stdout, "cli-a\n");
    assert.equal((await daemon.berth(["volume", "rm", "cli-b"])).stdout, "cli-b\n");
  });

  it("prunes anonymous volumes by default, all unused ones with -a, honouring label filters", async () => {
    const anon = (await daemon.docker(["volume", "create"])).stdout.trim();
    for (const name of ["keep-me", "drop-me"]) {
      await daemon.docker(["volume", "create", "--label", `which=${name}`, name]);
    }
    writeFileSync(join(daemon.root, "volumes", anon, "_data", "f"), "12345");

    const prompt = await daemon.docker(["volume", "prune"], { input: "n\n" });
    assert.equal(
      prompt.stdout,
      "WARNING! This will remove anonymous local volumes not used by at least one container.\nAre you sure you want to continue? [y/N] ",
    );
    const berthPrompt = await daemon.berth(["volume", "prune"], { input: "n\n" });
    assert.equal(berthPrompt.stdout, prompt.stdout);

    const pruned = await daemon.docker(["volume", "prune", "-f"]);
    assert.equal(pruned.stdout, `Deleted Volumes:\n${anon}\n\nTotal reclaimed space: 5B\n`);

    const res = await daemon.request(
      "POST",
      `/volumes/prune?filters=${encodeURIComponent(JSON.stringify({ all: ["true"], "label!": ["which=keep-me"] }))}`,
    );
    assert.equal(res.status, 200);
    validateResponse("post", "/volumes/prune", 200, res.json());
    assert.deepEqual(res.json(), { VolumesDeleted: ["drop-me"], SpaceReclaimed: 0 });

    const rest = await daemon.berth(["volume", "prune", "-a", "-f"]);
    assert.equal(rest.stdout, "Deleted Volumes:\nkeep-me\n\nTotal reclaimed space: 0B\n");
    const empty = await daemon.berth(["volume", "prune", "-f"]);
    assert.equal(empty.stdout, "Total reclaimed space: 0B\n");

    // API < 1.42 pruned named volumes too.
    await daemon.docker(["volume", "create", "old-api"]);
    const legacy = await daemon.request("POST", "/v1.41/volumes/prune");
    assert.deepEqual(legacy.json(), { VolumesDeleted: ["old-api"], SpaceReclaimed: 0 });
  });

  it("unmounts a stale volume mount left by a crashed daemon when it starts", async () => {
    await daemon.docker(["volume", "create", "-o", "type=tmpfs", "-o", "device=tmpfs", "stale"]);
    await daemon.kill9();
    const data = join(daemon.root, "volumes", "stale", "_data");
    execFileSync("mount", ["-t", "tmpfs", "-o", "size=1m", "tmpfs", data]);
    assert.ok(isMounted(data));
    await daemon.restart();
    assert.ok(!isMounted(data), "reconcile unmounted it");
    const inspect = await daemon.request("GET", "/volumes/stale");
    assert.equal(inspect.status, 200, "the volume itself survives");
    assert.equal((await daemon.docker(["volume", "rm", "stale"])).code, 0);
  });
});

describe("VolumeService acquire/release (tmpfs options)", () => {
  let dir: string;
  let service: VolumeService;
  let db: ReturnType<typeof openMetadataDb>;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), "berth-volume-"));
    mkdirSync(join(dir, "volumes"));
    db = openMetadataDb(join(dir, "metadata.db"));
    service = new VolumeService({ db, dir: join(dir, "volumes") });
  });
  after(async () => {
    await service.close();
    db.close();
    await unmountAllUnder(dir);
    rmSync(dir, { recursive: true, force: true });
  });

  it("mounts on first acquire, unmounts when the last user releases", async () => {
    await service.reconcile();
    await service.create({ name: "tmp", options: TMPFS_OPTS });
    const data = service.mountpoint("tmp");
    assert.ok(!isMounted(data));
    assert.equal(await service.acquire("tmp", "c1"), data);
    assert.ok(isMounted(data));
    await service.acquire("tmp", "c2");
    await service.acquire("tmp", "c2");
    assert.deepEqual(service.usedBy("tmp"), ["c1", "c2"]);
    await assert.rejects(service.remove("tmp", { force: true }), {
      message: "remove tmp: volume is in use - [c1, c2]",
    });
    assert.deepEqual((await service.prune(() => true)).deleted, []);
    await service.release("tmp", "c1");
    assert.ok(isMounted(data), "c2 still uses it");
    await service.release("tmp", "c2");
    assert.ok(!isMounted(data));
    assert.deepEqual(await service.usage(), [{ name: "tmp", size: 0, refCount: 0 }]);
  });

  it("copies image content into an empty volume only, onto the mounted device", async () => {
    const src = join(dir, "image-content");
    mkdirSync(join(src, "sub"), { recursive: true });
    writeFileSync(join(src, "sub", "file"), "abc");
    execFileSync("chown", ["-R", "123:456", src]);
    await service.acquire("tmp", "c3");
    assert.equal(await service.copyUp("tmp", src), true);
    assert.equal(await service.copyUp("tmp", src), false, "not empty any more");
    const copied = join(service.mountpoint("tmp"), "sub", "file");
    assert.equal(readFileSync(copied, "utf8"), "abc");
    assert.equal(execFileSync("stat", ["-c", "%u:%g", copied], { encoding: "utf8" }).trim(), "123:456");
    assert.deepEqual(await service.usage(), [{ name: "tmp", size: 3, refCount: 1 }]);
    await service.release("tmp", "c3");
    assert.ok(!existsSync(copied), "the content lived on the tmpfs");
  });

  it("close leaves mounts for live-restored containers; the next daemon adopts or drops them", async () => {
    await service.acquire("tmp", "c4");
    assert.ok(isMounted(service.mountpoint("tmp")));
    await service.close();
    assert.ok(isMounted(service.mountpoint("tmp")), "c4 keeps running across the restart");
    const next = new VolumeService({ db, dir: join(dir, "volumes") });
    await next.reconcile();
    await next.dropLeftovers(); // no container re-adopted it
    assert.ok(!isMounted(next.mountpoint("tmp")));
    await next.close();
  });
});

// The container model without a runtime: create (name reservation, image defaults merged into
// Config, create-time validation), list, inspect, rename, remove and prune through the real
// docker CLI, berth and the raw API, every JSON response validated against the swagger; the
// containers survive a daemon restart.
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { makeBusyboxImage } from "../helpers/busybox.ts";
import { startDaemon, type TestDaemon } from "../helpers/daemon.ts";
import { validateResponse } from "../helpers/swagger-validator.ts";

interface Inspect {
  Id: string;
  Name: string;
  Path: string;
  Args: string[];
  Image: string;
  State: { Status: string; Running: boolean; StartedAt: string; FinishedAt: string; ExitCode: number };
  Config: {
    Env: string[];
    Cmd: string[] | null;
    Entrypoint: string[] | null;
    Labels: Record<string, string>;
    Image: string;
    Hostname: string;
    WorkingDir: string;
    User: string;
    Tty: boolean;
    OpenStdin: boolean;
    StopSignal?: string;
  };
  HostConfig: {
    NetworkMode: string;
    Memory: number;
    MemorySwap: number;
    NanoCpus: number;
    RestartPolicy: { Name: string; MaximumRetryCount: number };
    CapAdd: string[] | null;
    CapDrop: string[] | null;
    ReadonlyRootfs: boolean;
    Privileged: boolean;
    Tmpfs: Record<string, string> | null;
    Ulimits: { Name: string; Soft: number; Hard: number }[] | null;
    Init: boolean | null;
  };
}

interface Summary {
  Id: string;
  Names: string[];
  Image: string;
  ImageID: string;
  Command: string;
  State: string;
  Status: string;
  Labels: Record<string, string>;
}

const ZERO = "0001-01-01T00:00:00Z";
const CONFLICT =
  /^Conflict\. The container name "\/(.+)" is already in use by container "([0-9a-f]{64})"\. You have to remove \(or rename\) that container to be able to reuse that name\.$/;

/**
 * The CREATED column depends on when each CLI ran ("Less than a second ago" may become "1 second
 * ago", which also changes the column's width); everything else must be identical.
 */
function normalizeCreated(table: string): string {
  return table
    .replace(/(Less than a second|About a minute|\d+ seconds?) ago/g, "<created>")
    .replace(/<created> +/g, "<created> ")
    .replace(/CREATED +/g, "CREATED ");
}

describe("container model: create, list, inspect, rename, remove, prune", () => {
  let daemon: TestDaemon;
  let imageId: string;

  const create = async (
    body: object,
    name?: string,
  ): Promise<{ status: number; id: string; message: string }> => {
    const path =
      name === undefined ? "/containers/create" : `/containers/create?name=${encodeURIComponent(name)}`;
    const res = await daemon.request("POST", path, body);
    const json = res.json<{ Id?: string; message?: string }>();
    if (res.status === 201) validateResponse("post", "/containers/create", 201, json);
    return { status: res.status, id: json.Id ?? "", message: json.message ?? "" };
  };
  const inspect = async (ref: string): Promise<Inspect> => {
    const res = await daemon.request("GET", `/containers/${encodeURIComponent(ref)}/json`);
    assert.equal(res.status, 200, res.text());
    validateResponse("get", "/containers/{id}/json", 200, res.json());
    return res.json<Inspect>();
  };
  const list = async (query = "all=1"): Promise<Summary[]> => {
    const res = await daemon.request("GET", `/containers/json?${query}`);
    assert.equal(res.status, 200, res.text());
    validateResponse("get", "/containers/json", 200, res.json());
    return res.json<Summary[]>();
  };
  const removeAll = async (): Promise<void> => {
    for (const c of await list()) {
      const res = await daemon.request("DELETE", `/containers/${c.Id}?force=1`);
      assert.equal(res.status, 204, res.text());
    }
  };

  before(async () => {
    daemon = await startDaemon();
    const archive = join(daemon.dir, "busybox.tar");
    const built = await makeBusyboxImage(archive, {
      config: {
        config: {
          Env: ["PATH=/usr/local/bin:/usr/bin:/bin", "FROM_IMAGE=1", "A=image"],
          Cmd: ["sh"],
          WorkingDir: "/srv",
          StopSignal: "SIGQUIT",
          Labels: { "org.example.from": "image", shared: "image" },
        },
      },
    });
    imageId = built.images[0]?.id ?? "";
    const load = await daemon.docker(["load", "-i", archive]);
    assert.equal(load.code, 0, load.stderr);
  });
  after(() => daemon.cleanup());

  it("docker create stores the merged Config and inspect shows it", async () => {
    const res = await daemon.docker([
      "create",
      "--name",
      "web",
      "-e",
      "A=user",
      "-l",
      "shared=user",
      "busybox",
      "echo",
      "hello world",
    ]);
    assert.equal(res.code, 0, res.stderr);
    const id = res.stdout.trim();
    assert.match(id, /^[0-9a-f]{64}$/);

    const c = await inspect("web");
    assert.equal(c.Id, id);
    assert.equal(c.Name, "/web");
    assert.equal(c.Image, imageId);
    assert.equal(c.Path, "echo");
    assert.deepEqual(c.Args, ["hello world"]);
    assert.equal(c.State.Status, "created");
    assert.equal(c.State.Running, false);
    assert.equal(c.State.StartedAt, ZERO);
    assert.equal(c.State.FinishedAt, ZERO);
    assert.deepEqual(c.Config.Env, ["A=user", "PATH=/usr/local/bin:/usr/bin:/bin", "FROM_IMAGE=1"]);
    assert.deepEqual(c.Config.Labels, { "org.example.from": "image", shared: "user" });
    assert.deepEqual(c.Config.Cmd, ["echo", "hello world"]);
    assert.equal(c.Config.Image, "busybox");
    assert.equal(c.Config.WorkingDir, "/srv");
    assert.equal(c.Config.StopSignal, "SIGQUIT");
    assert.equal(c.Config.Hostname, id.slice(0, 12));
    assert.equal(c.HostConfig.RestartPolicy.Name, "no");

    // Lookups: full ID, name with and without "/", unique prefix.
    for (const ref of [id, "/web", id.slice(0, 12), id.slice(0, 5)])
      assert.equal((await inspect(ref)).Id, id);

    const cli = await daemon.docker(["inspect", "web"]);
    assert.equal(cli.code, 0, cli.stderr);
    assert.deepEqual(JSON.parse(cli.stdout), [c]);
    const berth = await daemon.berth(["container", "inspect", "-f", "{{.Name}} {{.Config.Image}}", "web"]);
    assert.equal(berth.stdout, "/web busybox\n", berth.stderr);
  });

  it("berth create turns the run flags into Config and HostConfig", async () => {
    const res = await daemon.berth([
      "create",
      "--name",
      "flags",
      "-m",
      "64m",
      "--cpus",
      "0.5",
      "--restart",
      "on-failure:3",
      "--cap-add",
      "net_admin",
      "--cap-drop",
      "ALL",
      "--read-only",
      "--tmpfs",
      "/run:size=1m",
      "--ulimit",
      "nofile=100:200",
      "--init",
      "--network",
      "none",
      "-t",
      "-i",
      "-w",
      "/tmp",
      "-u",
      "1000",
      "-h",
      "hosty",
      "--entrypoint",
      "/bin/sh",
      "busybox",
      "-c",
      "echo hi",
    ]);
    assert.equal(res.code, 0, res.stderr);
    const c = await inspect(res.stdout.trim());
    assert.equal(c.Name, "/flags");
    assert.equal(c.Path, "/bin/sh");
    assert.deepEqual(c.Args, ["-c", "echo hi"]);
    assert.deepEqual(c.Config.Entrypoint, ["/bin/sh"]);
    assert.deepEqual(c.Config.Cmd, ["-c", "echo hi"]);
    assert.equal(c.Config.WorkingDir, "/tmp");
    assert.equal(c.Config.User, "1000");
    assert.equal(c.Config.Hostname, "hosty");
    assert.equal(c.Config.Tty, true);
    assert.equal(c.Config.OpenStdin, true);
    assert.equal(c.HostConfig.Memory, 64 * 1024 * 1024);
    assert.equal(c.HostConfig.MemorySwap, 128 * 1024 * 1024);
    assert.equal(c.HostConfig.NanoCpus, 500_000_000);
    assert.deepEqual(c.HostConfig.RestartPolicy, { Name: "on-failure", MaximumRetryCount: 3 });
    assert.deepEqual(c.HostConfig.CapAdd, ["CAP_NET_ADMIN"]);
    assert.deepEqual(c.HostConfig.CapDrop, ["ALL"]);
    assert.equal(c.HostConfig.ReadonlyRootfs, true);
    assert.deepEqual(c.HostConfig.Tmpfs, { "/run": "size=1m" });
    assert.deepEqual(c.HostConfig.Ulimits, [{ Name: "nofile", Soft: 100, Hard: 200 }]);
    assert.equal(c.HostConfig.Init, true);
    assert.equal(c.HostConfig.NetworkMode, "none");

    const net = await daemon.berth(["create", "--network", "mynet", "busybox"]);
    assert.notEqual(net.code, 0);
    assert.match(net.stderr, /network mynet not found/);
  });

  it("docker ps and berth ps print the same tables", async () => {
    await daemon.docker(["create", "-l", "tier=db", "busybox"]);
    const variants = [
      ["ps", "-a"],
      ["ps", "-a", "--no-trunc"],
      ["ps", "-a", "-s"],
      ["ps", "-a", "-q"],
      ["ps", "-n", "2"],
      ["ps", "-l", "-q"],
      ["ps", "-a", "--filter", "label=tier=db", "--format", '{{.Names}} {{.Label "tier"}} {{.State}}'],
      ["ps", "-a", "--format", "table {{.ID}}\t{{.Status}}\t{{.Labels}}"],
      ["ps", "-a", "--format", "json"],
      ["container", "ls", "-a", "--filter", "status=created", "-q"],
      ["ps"],
    ];
    for (const args of variants) {
      const d = await daemon.docker(args);
      const b = await daemon.berth(args);
      assert.equal(d.code, 0, d.stderr);
      assert.equal(b.code, 0, b.stderr);
      assert.equal(normalizeCreated(b.stdout), normalizeCreated(d.stdout), args.join(" "));
    }
    const table = (await daemon.docker(["ps", "-a"])).stdout.split("\n");
    assert.match(table[0] ?? "", /^CONTAINER ID {3}IMAGE {5}COMMAND +CREATED +STATUS {4}PORTS {5}NAMES$/);
    assert.ok(table.some((l) => /"echo 'hello world'"/.test(l) && /Created/.test(l) && / web$/.test(l)));
    assert.equal((await daemon.docker(["ps", "-q"])).stdout, "", "nothing runs");

    const sized = await list("all=1&size=1");
    assert.ok(sized.length >= 3);
    const [newest] = sized;
    assert.equal(newest?.Image, "busybox");
    assert.equal(newest?.ImageID, imageId);
    assert.equal(newest?.Command, "sh");
    assert.equal(newest?.Status, "Created");
  });

  it("filters the list like moby", async () => {
    const all = await list();
    const names = (q: object): Promise<string[]> =>
      list(`all=1&filters=${encodeURIComponent(JSON.stringify(q))}`).then((l) =>
        l.map((c) => c.Names[0] ?? ""),
      );
    const web = all.find((c) => c.Names[0] === "/web");
    assert.ok(web);
    assert.deepEqual(await names({ name: ["^/web$"] }), ["/web"]);
    assert.deepEqual(await names({ id: [web.Id.slice(0, 10)] }), ["/web"]);
    assert.deepEqual(await names({ label: ["shared=user"] }), ["/web"]);
    assert.equal((await names({ status: ["created"] })).length, all.length);
    assert.deepEqual(await names({ status: ["exited"] }), []);
    assert.deepEqual(await names({ exited: ["0"] }), []);
    assert.equal((await names({ ancestor: ["busybox"] })).length, all.length);
    assert.equal((await names({ ancestor: [imageId.slice(7, 19)] })).length, all.length);
    assert.deepEqual(await names({ before: ["flags"] }), ["/web"]);
    assert.ok(!(await names({ since: ["web"] })).includes("/web"));
    assert.ok((await names({ since: ["web"] })).includes("/flags"));
    const bad = await daemon.request(
      "GET",
      `/containers/json?filters=${encodeURIComponent(JSON.stringify({ status: ["sleeping"] }))}`,
    );
    assert.equal(bad.status, 400);
    assert.equal(bad.json<{ message: string }>().message, "invalid filter 'status=sleeping'");
    const unknown = await daemon.request(
      "GET",
      `/containers/json?filters=${encodeURIComponent(JSON.stringify({ colour: ["red"] }))}`,
    );
    assert.equal(unknown.status, 400);
  });

  it("renames with Docker's rules and conflicts", async () => {
    const r = await daemon.docker(["rename", "web", "web2"]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal((await inspect("web2")).Name, "/web2");
    const gone = await daemon.request("GET", "/containers/web/json");
    assert.equal(gone.status, 404);
    assert.equal(gone.json<{ message: string }>().message, "No such container: web");

    const conflict = await daemon.docker(["rename", "flags", "web2"]);
    assert.equal(conflict.code, 1);
    assert.match(conflict.stderr, /Conflict\. The container name "\/web2" is already in use by container/);
    const same = await daemon.request("POST", "/containers/web2/rename?name=web2");
    assert.equal(same.status, 400);
    const invalid = await daemon.request("POST", "/containers/web2/rename?name=a%20b");
    assert.equal(invalid.status, 400);
    assert.equal(
      invalid.json<{ message: string }>().message,
      "Invalid container name (a b), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed",
    );
    const viaBerth = await daemon.berth(["rename", "web2", "web"]);
    assert.equal(viaBerth.code, 0, viaBerth.stderr);
    assert.equal((await inspect("web")).Name, "/web");
  });

  it("two concurrent creates of one name: exactly one wins", async () => {
    for (let round = 0; round < 5; round++) {
      const name = `race${round}`;
      const results = await Promise.all(
        Array.from({ length: 2 + round * 2 }, () => create({ Image: "busybox" }, name)),
      );
      const won = results.filter((r) => r.status === 201);
      const lost = results.filter((r) => r.status === 409);
      assert.equal(won.length, 1, JSON.stringify(results));
      assert.equal(lost.length, results.length - 1, JSON.stringify(results));
      for (const l of lost) {
        const m = CONFLICT.exec(l.message);
        assert.ok(m, l.message);
        assert.equal(m[1], name);
        assert.equal(m[2], won[0]?.id);
      }
    }
    const byName = (await list()).filter((c) => /^\/race\d$/.test(c.Names[0] ?? ""));
    assert.equal(byName.length, 5);
    const cli = await daemon.docker(["create", "--name", "race0", "busybox"]);
    assert.equal(cli.code, 1);
    assert.match(cli.stderr, /Conflict\. The container name "\/race0" is already in use/);
  });

  it("random names are adjective_surname and unique", async () => {
    const ids = await Promise.all(Array.from({ length: 10 }, () => create({ Image: "busybox" })));
    const names = new Set<string>();
    for (const r of ids) {
      assert.equal(r.status, 201, r.message);
      const c = await inspect(r.id);
      assert.match(c.Name, /^\/[a-z]+_[a-z]+\d?$/);
      names.add(c.Name);
    }
    assert.equal(names.size, 10);
  });

  it("an ambiguous ID prefix is refused like Docker", async () => {
    // With 17 containers, two share their first hex digit.
    while ((await list()).length < 17) assert.equal((await create({ Image: "busybox" })).status, 201);
    const counts = new Map<string, number>();
    for (const c of await list()) counts.set(c.Id[0] ?? "", (counts.get(c.Id[0] ?? "") ?? 0) + 1);
    const digit = [...counts].find(([, n]) => n > 1)?.[0] ?? "";
    const res = await daemon.request("GET", `/containers/${digit}/json`);
    assert.equal(res.status, 400);
    assert.equal(
      res.json<{ message: string }>().message,
      `Multiple IDs found with provided prefix: ${digit}`,
    );
  });

  it("refuses bad input with Docker's status and message, leaving nothing behind", async () => {
    const before = (await list()).length;
    const cases: [object | string, number, RegExp][] = [
      [{ Image: "nope" }, 404, /^No such image: nope:latest$/],
      [
        { Image: "busybox", HostConfig: { Memory: 4 * 1024 * 1024 } },
        400,
        /^Minimum memory limit allowed is 6MB$/,
      ],
      [
        { Image: "busybox", HostConfig: { RestartPolicy: { Name: "sometimes" } } },
        400,
        /^invalid restart policy: unknown policy 'sometimes'/,
      ],
      [
        { Image: "busybox", HostConfig: { RestartPolicy: { Name: "always", MaximumRetryCount: 2 } } },
        400,
        /^invalid restart policy: maximum retry count can only be used with 'on-failure'$/,
      ],
      [
        { Image: "busybox", HostConfig: { CapAdd: ["CAP_FLY"] } },
        400,
        /^invalid CapAdd: unknown capability: "CAP_FLY"$/,
      ],
      [
        { Image: "busybox", Env: "A=1" },
        400,
        /cannot unmarshal string into Go struct field CreateRequest\.Env/,
      ],
      [{ Image: "busybox", HostConfig: { Memory: "1g" } }, 400, /HostConfig\.Memory of type int64/],
      [{ Image: "busybox", Cmd: [1, 2] }, 400, /CreateRequest\.Cmd/],
      [[1, 2, 3], 400, /cannot unmarshal array/],
      ["{not json", 400, /^invalid JSON/],
      [{ Image: "busybox", HostConfig: { NetworkMode: "nonet" } }, 404, /^network nonet not found$/],
      [{ Image: "busybox", Entrypoint: [""], Cmd: [] }, 400, /^no command specified$/],
    ];
    for (const [body, status, message] of cases) {
      const res = await daemon.request(
        "POST",
        "/containers/create",
        typeof body === "string" ? body : JSON.stringify(body),
        { "Content-Type": "application/json" },
      );
      assert.equal(res.status, status, `${JSON.stringify(body)}: ${res.text()}`);
      assert.match(res.json<{ message: string }>().message, message);
    }
    const badName = await create({ Image: "busybox" }, "-x");
    assert.equal(badName.status, 400);
    assert.equal(badName.message, "Invalid container name (-x), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed");

    // A 10 MB environment variable: refused by the body limit; the daemon keeps serving.
    const huge = JSON.stringify({ Image: "busybox", Env: [`BIG=${"x".repeat(10 * 1024 * 1024)}`] });
    const big = await daemon.request("POST", "/containers/create", huge, {
      "Content-Type": "application/json",
    });
    assert.equal(big.status, 400);
    assert.match(big.json<{ message: string }>().message, /request body too large/);
    assert.equal((await daemon.request("GET", "/_ping")).text(), "OK");

    const cli = await daemon.docker(["create", "-m", "4m", "busybox"]);
    assert.equal(cli.code, 1);
    assert.match(cli.stderr, /Error response from daemon: Minimum memory limit allowed is 6MB/);
    const berthCli = await daemon.berth(["create", "--restart", "sometimes", "busybox"]);
    assert.equal(berthCli.code, 1);
    assert.match(
      berthCli.stderr,
      /Error response from daemon: invalid restart policy: unknown policy 'sometimes'/,
    );

    assert.equal((await list()).length, before, "no half-created container");
  });

  it("berth inspect finds containers first, then images", async () => {
    const c = await daemon.berth(["inspect", "-f", "{{.Name}}", "web"]);
    assert.equal(c.stdout, "/web\n", c.stderr);
    const i = await daemon.berth(["inspect", "-f", "{{.Id}}", "busybox"]);
    assert.equal(i.stdout, `${imageId}\n`, i.stderr);
    const img = await daemon.berth(["image", "inspect", "-f", "{{.Id}}", "busybox"]);
    assert.equal(img.stdout, `${imageId}\n`, img.stderr);
    const none = await daemon.berth(["inspect", "nope"]);
    const dockerNone = await daemon.docker(["inspect", "nope"]);
    assert.equal(none.code, dockerNone.code);
    assert.equal(none.stderr, dockerNone.stderr);
    const typed = await daemon.berth(["inspect", "--type", "image", "web"]);
    assert.equal(typed.code, 1);
  });

  it("containers survive a daemon restart", async () => {
    const before = await inspect("web");
    const all = await list();
    await daemon.restart();
    assert.deepEqual(await inspect("web"), before);
    assert.deepEqual(
      (await list()).map((c) => c.Id),
      all.map((c) => c.Id),
    );
    const again = await create({ Image: "busybox" }, "web");
    assert.equal(again.status, 409, "the name is still reserved");
  });

  it("removes containers with rm and prune", async () => {
    const rm = await daemon.docker(["rm", "web", "nope"]);
    assert.equal(rm.code, 1);
    assert.equal(rm.stdout, "web\n");
    assert.match(rm.stderr, /No such container: nope/);
    assert.equal((await daemon.request("GET", "/containers/web/json")).status, 404);
    const berthRm = await daemon.berth(["rm", "flags"]);
    assert.equal(berthRm.stdout, "flags\n", berthRm.stderr);
    const forced = await daemon.berth(["rm", "-f", "nope"]);
    assert.equal(forced.code, 0, "rm -f ignores missing containers, as docker does");
    const missing = await daemon.request("DELETE", "/containers/nope");
    assert.equal(missing.status, 404);

    const left = await list();
    const declined = await daemon.berth(["container", "prune"], { input: "n\n" });
    assert.match(declined.stdout, /WARNING! This will remove all stopped containers\./);
    assert.equal((await list()).length, left.length);

    await create({ Image: "busybox", Labels: { keep: "yes" } }, "keeper");
    const filtered = await daemon.request(
      "POST",
      `/containers/prune?filters=${encodeURIComponent(JSON.stringify({ "label!": ["keep=yes"] }))}`,
    );
    assert.equal(filtered.status, 200, filtered.text());
    validateResponse("post", "/containers/prune", 200, filtered.json());
    assert.deepEqual(
      [...(filtered.json<{ ContainersDeleted: string[] }>().ContainersDeleted ?? [])].sort(),
      left.map((c) => c.Id).sort(),
    );
    const pruned = await daemon.docker(["container", "prune", "-f"]);
    assert.equal(pruned.code, 0, pruned.stderr);
    assert.match(pruned.stdout, /^Deleted Containers:\n[0-9a-f]{64}\n\nTotal reclaimed space: 0B\n$/);
    assert.deepEqual(await list(), []);
    await removeAll();
  });
});

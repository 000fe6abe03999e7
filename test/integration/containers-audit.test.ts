// Container behaviours checked against what the docker CLI 28 expects from dockerd (issue 3
// audit): signal names and numbers ("Invalid signal: x", 400, nothing done) and the kill events of
// kill/stop/restart, the `docker ps` filters publish, expose, is-task and isolation, attaches ended
// by a failed start, anonymous --mount volume options, create-time checks of cpusets, port
// bindings and --security-opt, --group-add, and --add-host host-gateway.
import assert from "node:assert/strict";
import { connect } from "node:net";
import { before, describe, it } from "node:test";
import { useBusyboxDaemon } from "../helpers/use-busybox-daemon.ts";

describe("containers audit against docker's behaviour", () => {
  const daemon = useBusyboxDaemon();
  before(async () => {
    const run = await daemon.docker(["run", "-d", "--name", "sleeper", "busybox", "sleep", "1000"]);
    assert.equal(run.code, 0, run.stderr);
  });
  /** The container's events from `since` (unix seconds) until now, one `format` line each. */
  const eventsOf = async (id: string, since: number, format: string): Promise<string[]> => {
    const until = String(Math.ceil(Date.now() / 1000) + 1);
    const args = ["--since", String(since), "--until", until, "--filter", `container=${id}`];
    const events = await daemon.docker(["events", ...args, "--format", format]);
    assert.equal(events.code, 0, events.stderr);
    return events.stdout.split("\n").filter(Boolean);
  };

  it("kill -s with an unknown name or 0 is Docker's 400 'Invalid signal', the container keeps running", async () => {
    for (const signal of ["FOO", "0"]) {
      const res = await daemon.request("POST", `/containers/sleeper/kill?signal=${signal}`);
      assert.equal(res.status, 400, res.text());
      assert.equal(res.json<{ message: string }>().message, `Invalid signal: ${signal}`);
    }
    const kill = await daemon.docker(["kill", "-s", "SIGFOO", "sleeper"]);
    assert.equal(kill.code, 1);
    assert.match(kill.stderr, /Error response from daemon: Invalid signal: SIGFOO/);
    assert.equal((await daemon.docker(["inspect", "-f", "{{.State.Running}}", "sleeper"])).stdout, "true\n");
  });

  it("stop -s with an unknown signal is a 400 and stops nothing", async () => {
    const stop = await daemon.docker(["stop", "-s", "NOPE", "-t", "0", "sleeper"]);
    assert.equal(stop.code, 1);
    assert.match(stop.stderr, /Invalid signal: NOPE/);
    assert.equal((await daemon.docker(["inspect", "-f", "{{.State.Running}}", "sleeper"])).stdout, "true\n");
  });

  it("--stop-signal with an unknown signal is refused at create, nothing created", async () => {
    const run = await daemon.docker(["run", "--name", "badsig", "--stop-signal", "FOO", "busybox", "true"]);
    assert.equal(run.code, 125);
    assert.match(run.stderr, /Error response from daemon: Invalid signal: FOO/);
    assert.equal((await daemon.docker(["ps", "-aq", "--filter", "name=badsig"])).stdout, "");
    const ok = await daemon.docker(["create", "--name", "goodsig", "--stop-signal", "rtmin+2", "busybox"]);
    assert.equal(ok.code, 0, ok.stderr);
    await daemon.docker(["rm", "goodsig"]);
  });

  it("kill -s takes numbers and names; the kill event carries the number, as moby's", async () => {
    const run = await daemon.docker([
      "run",
      "-d",
      "busybox",
      "sh",
      "-c",
      "trap 'exit 7' USR1; while :; do sleep 0.1; done",
    ]);
    assert.equal(run.code, 0, run.stderr);
    const id = run.stdout.trim();
    const start = Math.floor(Date.now() / 1000) - 1;
    const kill = await daemon.docker(["kill", "-s", "usr1", id]);
    assert.equal(kill.code, 0, kill.stderr);
    assert.equal((await daemon.docker(["wait", id])).stdout, "7\n");
    const kills = (await eventsOf(id, start, "{{.Action}} {{.Actor.Attributes.signal}}")).filter((e) =>
      e.startsWith("kill "),
    );
    assert.deepEqual(kills, ["kill 10"]);
  });

  it("ps accepts the publish, expose, is-task and isolation filters", async () => {
    const run = await daemon.docker([
      "create",
      "--name",
      "ported",
      "--expose",
      "7000-7001/udp",
      "-p",
      "127.0.0.1::8080",
      "busybox",
    ]);
    assert.equal(run.code, 0, run.stderr);
    const names = async (...filters: string[]): Promise<string> => {
      const ps = await daemon.docker([
        "ps",
        "-a",
        ...filters.flatMap((f) => ["--filter", f]),
        "--format",
        "{{.Names}}",
      ]);
      assert.equal(ps.code, 0, ps.stderr);
      return ps.stdout.split("\n").filter(Boolean).sort().join(" ");
    };
    assert.equal(await names("publish=8080"), "ported");
    assert.equal(await names("publish=8080/tcp"), "ported");
    assert.equal(await names("publish=8000-8100"), "ported");
    assert.equal(await names("publish=8080/udp"), "");
    assert.equal(await names("expose=7001/udp"), "ported");
    assert.equal(await names("expose=8080"), "ported"); // -p exposes the port too
    assert.equal(await names("expose=7001"), "");
    assert.equal(await names("is-task=true"), "");
    const notTasks = (await names("is-task=false")).split(" "); // every container: none is a task
    assert.ok(notTasks.includes("ported") && notTasks.includes("sleeper"), notTasks.join(" "));
    assert.equal(await names("isolation=default"), ""); // Linux containers have Isolation ""
    const bad = await daemon.docker(["ps", "--filter", "publish=1.2.3.4:80"]);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /filter for 'publish' should not contain ':'/);
    const badTask = await daemon.docker(["ps", "--filter", "is-task=maybe"]);
    assert.equal(badTask.code, 1);
    assert.match(badTask.stderr, /Invalid filter 'is-task=maybe'/);
    await daemon.docker(["rm", "ported"]);
  });

  it("an attach made before a start that fails is ended by the daemon, as moby closes the streams", async () => {
    // A tmpfs option the kernel refuses: runc fails the start.
    const create = await daemon.docker(["create", "--tmpfs", "/t:bogus", "busybox", "true"]);
    assert.equal(create.code, 0, create.stderr);
    const id = create.stdout.trim();
    const socket = connect(daemon.socket);
    const ended = new Promise<string>((resolve) => {
      let text = "";
      socket.on("data", (d: Buffer) => (text += d.toString("latin1")));
      socket.on("end", () => resolve(text));
      socket.on("error", () => resolve(text));
    });
    socket.write(
      `POST /containers/${id}/attach?stream=1&stdout=1&stderr=1 HTTP/1.1\r\nHost: x\r\n` +
        "Connection: Upgrade\r\nUpgrade: tcp\r\nContent-Length: 0\r\n\r\n",
    );
    await new Promise<void>((resolve) => socket.once("data", () => resolve()));
    const start = await daemon.request("POST", `/containers/${id}/start`);
    assert.notEqual(start.status, 204);
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<string>((resolve) => (timer = setTimeout(() => resolve("timeout"), 10_000)));
    const outcome = await Promise.race([ended, deadline]);
    clearTimeout(timer);
    socket.destroy();
    assert.notEqual(outcome, "timeout", "the attach stream was not ended after the failed start");
    assert.match(outcome, /^HTTP\/1.1 101/);
  });

  it("an anonymous --mount type=volume keeps its volume-opt and volume-label, and rm -v removes it", async () => {
    const run = await daemon.docker([
      "run",
      "--name",
      "anonopt",
      "--mount",
      "type=volume,dst=/a,volume-opt=type=tmpfs,volume-opt=device=tmpfs,volume-opt=o=size=2m,volume-label=k=v",
      "busybox",
      "sh",
      "-c",
      "mount | grep ' /a '",
    ]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^tmpfs on \/a type tmpfs .*size=2048k/);
    const name = (
      await daemon.docker(["inspect", "-f", "{{range .Mounts}}{{.Name}}{{end}}", "anonopt"])
    ).stdout.trim();
    assert.match(name, /^[0-9a-f]{64}$/);
    const volume = await daemon.docker(["volume", "inspect", "-f", "{{json .Options}} {{.Labels.k}}", name]);
    assert.equal(volume.stdout, '{"device":"tmpfs","o":"size=2m","type":"tmpfs"} v\n');
    assert.equal((await daemon.docker(["rm", "-v", "anonopt"])).code, 0);
    assert.equal((await daemon.docker(["volume", "ls", "-q", "--filter", `name=${name}`])).stdout, "");
  });

  it("--cpuset-cpus/--cpuset-mems the host does not offer are refused at create, nothing created", async () => {
    const cpus = await daemon.docker(["run", "--name", "cpuset1", "--cpuset-cpus", "999", "busybox", "true"]);
    assert.equal(cpus.code, 125);
    assert.match(
      cpus.stderr,
      /Error response from daemon: Requested CPUs are not available - requested 999, available: \d/,
    );
    const mems = await daemon.docker(["create", "--name", "cpuset2", "--cpuset-mems", "63", "busybox"]);
    assert.equal(mems.code, 1);
    assert.match(mems.stderr, /Requested memory nodes are not available - requested 63, available: \d/);
    const bad = await daemon.request("POST", "/containers/create", {
      Image: "busybox",
      HostConfig: { CpusetCpus: "0-1,x" },
    });
    assert.equal(bad.status, 400);
    assert.equal(bad.json<{ message: string }>().message, "Invalid value 0-1,x for cpuset cpus");
    assert.equal((await daemon.docker(["ps", "-aq", "--filter", "name=cpuset"])).stdout, "");
    const ok = await daemon.docker(["run", "--rm", "--cpuset-cpus", "0", "busybox", "true"]);
    assert.equal(ok.code, 0, ok.stderr);
  });

  it("PortBindings that are not ports are refused at create with moby's wording, nothing created", async () => {
    const before = (await daemon.docker(["ps", "-aq"])).stdout;
    for (const [bindings, spec] of [
      [{ "80/tcp": [{ HostPort: "99999" }] }, "99999"],
      [{ "abc/tcp": [{ HostPort: "80" }] }, "abc"],
    ] as const) {
      const res = await daemon.request("POST", "/containers/create", {
        Image: "busybox",
        HostConfig: { PortBindings: bindings },
      });
      assert.equal(res.status, 400, res.text());
      assert.equal(res.json<{ message: string }>().message, `invalid port specification: "${spec}"`);
    }
    assert.equal((await daemon.docker(["ps", "-aq"])).stdout, before);
  });

  it("--group-add adds supplementary groups by number or name; an unknown name fails the start", async () => {
    const run = await daemon.docker([
      "run",
      "--rm",
      "--group-add",
      "4242",
      "--group-add",
      "wheel",
      "--user",
      "1000:1000",
      "busybox",
      "id",
      "-G",
    ]);
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(run.stdout.trim().split(" ").sort(), ["10", "1000", "4242"]);
    const bad = await daemon.docker(["run", "--rm", "--group-add", "nosuchgroup", "busybox", "true"]);
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /Unable to find group nosuchgroup/);
  });

  it("--add-host name:host-gateway maps the name to the default bridge's gateway", async () => {
    const gateway = daemon.network.bip.split("/")[0];
    for (const network of ["bridge", "none"]) {
      const run = await daemon.docker([
        "run",
        "--rm",
        "--network",
        network,
        "--add-host",
        "gw:host-gateway",
        "busybox",
        "grep",
        "gw",
        "/etc/hosts",
      ]);
      assert.equal(run.code, 0, run.stderr);
      assert.equal(run.stdout, `${gateway}\tgw\n`, network);
    }
  });

  it("--security-opt label=... and apparmor=... are accepted as by Docker without SELinux/AppArmor; bad ones fail the create", async () => {
    for (const opt of ["label=disable", "apparmor=unconfined", "label:disable"]) {
      const run = await daemon.docker(["run", "--rm", "--security-opt", opt, "busybox", "true"]);
      assert.equal(run.code, 0, `${opt}: ${run.stderr}`);
    }
    const before = (await daemon.docker(["ps", "-aq"])).stdout;
    const bad = await daemon.request("POST", "/containers/create", {
      Image: "busybox",
      HostConfig: { SecurityOpt: ["bogus=1"] },
    });
    assert.equal(bad.status, 400, bad.text());
    assert.equal(bad.json<{ message: string }>().message, 'invalid --security-opt 2: "bogus=1"');
    assert.equal((await daemon.docker(["ps", "-aq"])).stdout, before);
  });

  it("docker restart of a stopped container logs start then restart, as moby's containerRestart", async () => {
    const create = await daemon.docker(["create", "busybox", "sleep", "100"]);
    assert.equal(create.code, 0, create.stderr);
    const id = create.stdout.trim();
    const since = Math.floor(Date.now() / 1000) - 1;
    assert.equal((await daemon.docker(["restart", "-t", "0", id])).code, 0);
    const actions = await eventsOf(id, since, "{{.Action}}");
    assert.deepEqual(actions.slice(actions.indexOf("create") + 1), ["start", "restart"]);
    await daemon.docker(["rm", "-f", id]);
  });

  it("docker stop logs kill events with the stop signal, then SIGKILL after the timeout, before die and stop", async () => {
    const run = await daemon.docker(["run", "-d", "busybox", "sleep", "100"]); // sleep as PID 1 ignores TERM
    assert.equal(run.code, 0, run.stderr);
    const id = run.stdout.trim();
    const since = Math.floor(Date.now() / 1000) - 1;
    assert.equal((await daemon.docker(["stop", "-t", "1", id])).code, 0);
    const actions = await eventsOf(id, since, "{{.Action}}{{with .Actor.Attributes.signal}} {{.}}{{end}}");
    assert.deepEqual(actions.slice(actions.indexOf("start") + 1), ["kill 15", "kill 9", "die", "stop"]);
    await daemon.docker(["rm", "-f", id]);
  });

  it("ps --filter before/since with an unknown container is moby's 404 No such container", async () => {
    for (const key of ["before", "since"]) {
      const filters = encodeURIComponent(JSON.stringify({ [key]: ["nosuchctr"] }));
      const res = await daemon.request("GET", `/containers/json?all=1&filters=${filters}`);
      assert.equal(res.status, 404, res.text());
      assert.equal(res.json<{ message: string }>().message, "No such container: nosuchctr");
    }
  });
});

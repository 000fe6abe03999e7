// docker-compose 1.29 (Debian's, on python3-docker) against a test berthd: a two-service project
// (busybox httpd serving a named volume on a port published on 127.0.0.1, and a client that
// reaches it by service name through the embedded DNS) through up, ps, port, logs, exec, run
// --rm, restart, recreate, an attached up with --exit-code-from, and down -v leaving nothing.
import assert from "node:assert/strict";
import { randomBytes, randomInt } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { removeAllContainers, startBusyboxDaemon } from "../helpers/busybox.ts";
import { type TestDaemon } from "../helpers/daemon.ts";
import { runCommand, type RunResult } from "../helpers/run-command.ts";

const COMPOSE = "/usr/bin/docker-compose";

function composeFile(subnet: string): string {
  return `version: "3.8"
services:
  web:
    image: busybox:latest
    pull_policy: never
    command: ["sh", "-c", "echo web ready; exec httpd -f -vv -p 80 -h /www"]
    volumes:
      - site:/www
    ports:
      - "127.0.0.1::80"
    # compose sends "StartPeriod": null for the durations it is not given.
    healthcheck:
      test: ["CMD-SHELL", "pidof httpd >/dev/null"]
      interval: 1s
  client:
    image: busybox:latest
    pull_policy: never
    command: ["sleep", "3600"]
    depends_on:
      - web
  once:
    image: busybox:latest
    pull_policy: never
    command: ["sh", "-c", "echo one-shot done; exit 3"]
    profiles: ["once"]
volumes:
  site:
networks:
  default:
    ipam:
      config:
        - subnet: ${subnet}
`;
}

describe("docker-compose 1.29", { skip: !existsSync(COMPOSE) && "docker-compose is not installed" }, () => {
  let daemon: TestDaemon;
  let dir: string;
  const project = `bc${randomBytes(3).toString("hex")}`;
  const prefix = `10.${randomInt(200, 250)}.${randomInt(0, 256)}`;

  function compose(args: string[], env: NodeJS.ProcessEnv = {}): Promise<RunResult> {
    const clean: NodeJS.ProcessEnv = {};
    for (const [k, v] of Object.entries(process.env)) {
      if (!k.startsWith("DOCKER_") && !k.startsWith("COMPOSE_")) clean[k] = v;
    }
    return runCommand(COMPOSE, ["--no-ansi", "-p", project, ...args], {
      cwd: dir,
      env: { ...clean, DOCKER_HOST: daemon.host, ...env },
      timeoutMs: 60_000,
    });
  }
  async function ok(args: string[], env?: NodeJS.ProcessEnv): Promise<RunResult> {
    const r = await compose(args, env);
    assert.equal(r.code, 0, `docker-compose ${args.join(" ")}: ${r.stderr}\n${r.stdout}`);
    return r;
  }
  async function fetchPublished(path: string): Promise<{ status: number; body: string }> {
    const port = (await ok(["port", "web", "80"])).stdout.trim();
    assert.match(port, /^127\.0\.0\.1:\d+$/);
    const res = await fetch(`http://${port}${path}`);
    return { status: res.status, body: await res.text() };
  }
  async function projectContainers(): Promise<string[]> {
    const ps = await daemon.docker([
      "ps",
      "-a",
      "--filter",
      `label=com.docker.compose.project=${project}`,
      "--format",
      "{{.Names}}",
    ]);
    return ps.stdout.split("\n").filter(Boolean).sort();
  }

  before(async () => {
    daemon = await startBusyboxDaemon();
    dir = join(daemon.dir, "project");
    await mkdir(dir);
    await writeFile(join(dir, "docker-compose.yml"), composeFile(`${prefix}.0/24`));
  });
  after(async () => {
    await compose(["--profile", "once", "down", "-v", "-t", "0"]);
    await removeAllContainers(daemon);
    await daemon.docker(["network", "prune", "-f"]);
    await daemon.cleanup();
  });

  it("up -d creates the network, the volume and both services", async () => {
    const up = await ok(["up", "-d"]);
    assert.match(up.stderr, new RegExp(`Creating network "${project}_default"`));
    assert.deepEqual(await projectContainers(), [`${project}_client_1`, `${project}_web_1`]);
    const net = await daemon.docker([
      "network",
      "inspect",
      `${project}_default`,
      "--format",
      '{{json .IPAM.Config}} {{index .Labels "com.docker.compose.network"}}',
    ]);
    assert.equal(net.stdout.trim(), `[{"Subnet":"${prefix}.0/24","Gateway":"${prefix}.1"}] default`);
    const vol = await daemon.docker(["volume", "ls", "-q"]);
    assert.deepEqual(vol.stdout.trim().split("\n"), [`${project}_site`]);
    // A second up finds everything as it should be.
    const again = await ok(["up", "-d"]);
    assert.match(again.stderr, new RegExp(`${project}_web_1 is up-to-date`));
  });

  it("ps lists both services up with the published port", async () => {
    const ps = await ok(["ps"]);
    assert.match(
      ps.stdout,
      new RegExp(`${project}_web_1 .* Up( \\([^)]+\\))? +127\\.0\\.0\\.1:\\d+->80/tcp`),
    );
    assert.match(ps.stdout, new RegExp(`${project}_client_1 .* Up`));
    const ids = (await ok(["ps", "-q"])).stdout.split("\n").filter(Boolean);
    assert.equal(ids.length, 2);
    // The healthcheck compose configured runs: web turns healthy.
    const deadline = Date.now() + 20_000;
    let health = "";
    while (Date.now() < deadline && health !== "healthy") {
      health = (
        await daemon.docker(["inspect", "-f", "{{.State.Health.Status}}", `${project}_web_1`])
      ).stdout.trim();
      if (health !== "healthy") await new Promise((resolve) => setTimeout(resolve, 200));
    }
    assert.equal(health, "healthy");
    assert.match((await ok(["ps"])).stdout, new RegExp(`${project}_web_1 .* Up \\(healthy\\)`));
  });

  it("exec writes into the volume; httpd serves it on the published port and to the client by name", async () => {
    await ok(["exec", "-T", "web", "sh", "-c", "echo hello from the volume > /www/index.html"]);
    const direct = await fetchPublished("/index.html");
    assert.deepEqual(direct, { status: 200, body: "hello from the volume\n" });
    const missing = await fetchPublished("/nope.html");
    assert.equal(missing.status, 404);
    const viaName = await ok(["exec", "-T", "client", "wget", "-qO-", "http://web/index.html"]);
    assert.equal(viaName.stdout, "hello from the volume\n");
    const exitCode = await compose(["exec", "-T", "client", "sh", "-c", "exit 7"]);
    assert.equal(exitCode.code, 7);
  });

  it("run --rm starts a one-off client that reaches web and is removed after", async () => {
    const run = await ok(["run", "--rm", "client", "wget", "-qO-", "http://web/index.html"]);
    assert.equal(run.stdout.trim(), "hello from the volume");
    assert.deepEqual(await projectContainers(), [`${project}_client_1`, `${project}_web_1`]);
  });

  it("logs shows each service's output", async () => {
    const logs = await ok(["logs", "--no-color", "web"]);
    assert.match(logs.stdout, /web_1 +\| web ready/);
    // httpd -vv logs every request it served, the 404 too.
    assert.match(logs.stdout, /web_1 +\| .*response:404/);
  });

  it("restart brings both back; the name and the published port work again", async () => {
    const restart = await ok(["restart", "-t", "1"]);
    assert.match(restart.stderr, new RegExp(`Restarting ${project}_web_1 +\\.\\.\\. done`));
    const ps = await ok(["ps"]);
    assert.doesNotMatch(ps.stdout, /Exit/);
    assert.deepEqual(await fetchPublished("/index.html"), { status: 200, body: "hello from the volume\n" });
    const viaName = await ok(["exec", "-T", "client", "wget", "-qO-", "http://web/index.html"]);
    assert.equal(viaName.stdout, "hello from the volume\n");
  });

  it("up --force-recreate (API 1.44, as compose 1.29 needs with Docker ≥ 25) keeps the volume's data", async () => {
    const first = (await ok(["ps", "-q", "web"])).stdout.trim();
    const recreate = await ok(["up", "-d", "--force-recreate", "-t", "1"], { COMPOSE_API_VERSION: "1.44" });
    assert.match(recreate.stderr, new RegExp(`Recreating ${project}_web_1 +\\.\\.\\. done`));
    const second = (await ok(["ps", "-q", "web"])).stdout.trim();
    assert.notEqual(second, first);
    assert.deepEqual(await projectContainers(), [`${project}_client_1`, `${project}_web_1`]);
    const viaName = await ok(["exec", "-T", "client", "wget", "-qO-", "http://web/index.html"]);
    assert.equal(viaName.stdout, "hello from the volume\n");
  });

  it("an attached up --exit-code-from follows the container to its exit", async () => {
    const up = await compose(["--profile", "once", "up", "--exit-code-from", "once", "once"]);
    assert.equal(up.code, 3, up.stderr);
    assert.match(up.stdout, /once_1 +\| one-shot done/);
  });

  it("down -v removes the containers, the network and the volume", async () => {
    const down = await ok(["--profile", "once", "down", "-v", "-t", "1"]);
    assert.match(down.stderr, new RegExp(`Removing network ${project}_default`));
    assert.match(down.stderr, new RegExp(`Removing volume ${project}_site`));
    assert.deepEqual(await projectContainers(), []);
    const nets = await daemon.docker(["network", "ls", "--format", "{{.Name}}"]);
    assert.deepEqual(nets.stdout.trim().split("\n").sort(), ["bridge", "host", "none"]);
    const vols = await daemon.docker(["volume", "ls", "-q"]);
    assert.equal(vols.stdout.trim(), "");
    const links = await runCommand("ip", ["-br", "addr"]);
    assert.doesNotMatch(links.stdout, new RegExp(`${prefix.replaceAll(".", "\\.")}\\.1/24`));
  });
});

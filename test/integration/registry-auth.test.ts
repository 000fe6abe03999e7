// Login, basic auth, Bearer tokens and TLS against Debian's docker-registry: the docker CLI and
// berth log in through POST /auth, keep credentials in $DOCKER_CONFIG/config.json and send them
// as X-Registry-Auth; the registry accepts the tokens of test/helpers/token-server.ts.
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { mkdir, copyFile, readFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { makeBusyboxImage } from "../helpers/busybox.ts";
import { fileBody, startDaemon, type TestDaemon } from "../helpers/daemon.ts";
import { startRegistry, type TestRegistry } from "../helpers/docker-registry.ts";
import { startTokenServer, type TokenServer } from "../helpers/token-server.ts";
import { createSwaggerValidator } from "../helpers/swagger-validator.ts";
import { BERTH, REPO_ROOT } from "../helpers/daemon.ts";
import { runCommand } from "../helpers/run-command.ts";

// The shared reference sits beside the checkout (main) or two levels up (a worktree in wt/).
const SWAGGER = ["../shared", "../../shared"]
  .map((up) => join(REPO_ROOT, up, "reference/docker-engine-api/swagger.yaml"))
  .find((p) => existsSync(p));
const swagger = createSwaggerValidator(SWAGGER === undefined ? {} : { swaggerPath: SWAGGER });
const validateResponse = (method: string, path: string, status: number, body: unknown): void =>
  swagger.validateResponse(method, path, status, body);

async function loadBusybox(daemon: TestDaemon, tags: string[]): Promise<void> {
  const archive = join(daemon.dir, "busybox.tar");
  await makeBusyboxImage(archive, { repoTags: tags });
  const load = await daemon.request("POST", "/images/load", fileBody(archive, "application/x-tar"));
  assert.equal(load.status, 200, load.text());
}

describe("basic auth (htpasswd)", () => {
  let daemon: TestDaemon;
  let registry: TestRegistry;

  before(async () => {
    registry = await startRegistry({ users: { alice: "s3cret" } });
    daemon = await startDaemon();
    await loadBusybox(daemon, [`${registry.host}/private:1`]);
  });
  after(async () => {
    await daemon?.cleanup();
    await registry?.stop();
  });

  test("POST /auth: Docker's status codes and shapes", async () => {
    const bad = await daemon.request("POST", "/auth", {
      username: "alice",
      password: "x",
      serveraddress: registry.host,
    });
    assert.equal(bad.status, 401);
    validateResponse("post", "/auth", 401, bad.json());
    const good = await daemon.request("POST", "/auth", {
      username: "alice",
      password: "s3cret",
      serveraddress: `http://${registry.host}/v2/`,
    });
    assert.equal(good.status, 200, good.text());
    validateResponse("post", "/auth", 200, good.json());
    assert.equal(good.json<{ Status: string }>().Status, "Login Succeeded");
    const junk = await daemon.request("POST", "/auth", "{not json", { "Content-Type": "application/json" });
    assert.equal(junk.status, 400);
  });

  test("berth login prompts on a terminal, the password unechoed", async () => {
    const env = {
      ...process.env,
      BERTH_HOST: daemon.host,
      DOCKER_HOST: daemon.host,
      DOCKER_CONFIG: join(daemon.dir, "tty-config"),
    };
    // script(1) gives berth a pseudo-terminal; the terminal itself echoes what is typed ahead.
    const r = await runCommand("script", ["-qec", `${BERTH} login ${registry.host}`, "/dev/null"], {
      env,
      input: "alice\rs3cret\r",
      timeoutMs: 30_000,
    });
    assert.equal(r.code, 0, r.stdout);
    assert.match(r.stdout, /Username: alice\r\nPassword: \r\nLogin Succeeded/);
    const config = JSON.parse(await readFile(join(daemon.dir, "tty-config", "config.json"), "utf8")) as {
      auths: Record<string, { auth: string }>;
    };
    assert.equal(Buffer.from(config.auths[registry.host]?.auth ?? "", "base64").toString(), "alice:s3cret");
  });

  test("wrong password, login, push, pull, logout", async () => {
    const wrong = await daemon.docker(["login", "-u", "alice", "--password-stdin", registry.host], {
      input: "nope\n",
    });
    assert.notEqual(wrong.code, 0);
    assert.match(
      wrong.stderr,
      /login attempt to http:\/\/127\.0\.0\.1:\d+\/v2\/ failed with status: 401 Unauthorized/,
    );

    const anonymous = await daemon.docker(["push", `${registry.host}/private:1`]);
    assert.notEqual(anonymous.code, 0);
    assert.match(anonymous.stderr + anonymous.stdout, /unauthorized/);

    const login = await daemon.docker(["login", "-u", "alice", "--password-stdin", registry.host], {
      input: "s3cret\n",
    });
    assert.equal(login.code, 0, login.stderr);
    assert.match(login.stdout, /Login Succeeded/);
    const push = await daemon.docker(["push", `${registry.host}/private:1`]);
    assert.equal(push.code, 0, push.stderr);
    assert.equal((await daemon.docker(["rmi", `${registry.host}/private:1`])).code, 0);

    // berth reads what docker login stored in config.json.
    const pull = await daemon.berth(["pull", `${registry.host}/private:1`]);
    assert.equal(pull.code, 0, pull.stderr);
    const logout = await daemon.berth(["logout", registry.host]);
    assert.equal(logout.stdout.trim(), `Removing login credentials for ${registry.host}`);
    const denied = await daemon.berth(["pull", `${registry.host}/private:1`]);
    assert.notEqual(denied.code, 0);
    assert.match(
      denied.stderr,
      /pull access denied for 127\.0\.0\.1:\d+\/private, repository does not exist or may require 'docker login'/,
    );

    const berthLogin = await daemon.berth(["login", "-u", "alice", "--password-stdin", registry.host], {
      input: "s3cret\n",
    });
    assert.equal(berthLogin.code, 0, berthLogin.stderr);
    assert.equal(berthLogin.stdout.trim(), "Login Succeeded");
    const config = JSON.parse(await readFile(join(daemon.dir, "docker-config", "config.json"), "utf8")) as {
      auths: Record<string, { auth: string }>;
    };
    assert.equal(Buffer.from(config.auths[registry.host]?.auth ?? "", "base64").toString(), "alice:s3cret");
    const again = await daemon.docker(["pull", `${registry.host}/private:1`]);
    assert.equal(again.code, 0, again.stderr);
    assert.equal((await daemon.request("GET", "/_ping")).status, 200);
  });
});

describe("bearer tokens", () => {
  let daemon: TestDaemon;
  let registry: TestRegistry;
  let tokens: TokenServer;

  before(async () => {
    daemon = await startDaemon();
    tokens = await startTokenServer(daemon.dir, { bob: "hunter2" });
    registry = await startRegistry({ token: tokens });
    await loadBusybox(daemon, [`${registry.host}/tok/box:1`]);
  });
  after(async () => {
    await daemon?.cleanup();
    await registry?.stop();
    await tokens?.stop();
  });

  test("the registry accepts our tokens: login, push, pull; wrong password refused", async () => {
    const wrong = await daemon.berth(["login", "-u", "bob", "--password-stdin", registry.host], {
      input: "x\n",
    });
    assert.notEqual(wrong.code, 0);
    assert.match(wrong.stderr, /login attempt to .* failed with status: 401 Unauthorized/);
    const login = await daemon.berth(["login", "-u", "bob", "--password-stdin", registry.host], {
      input: "hunter2\n",
    });
    assert.equal(login.code, 0, login.stderr);
    // The token service gave a refresh token: it is kept as the identity token, not the password.
    const config = JSON.parse(await readFile(join(daemon.dir, "docker-config", "config.json"), "utf8")) as {
      auths: Record<string, { auth: string; identitytoken?: string }>;
    };
    const entry = config.auths[registry.host];
    assert.ok(entry?.identitytoken, JSON.stringify(config));
    assert.equal(Buffer.from(entry.auth, "base64").toString(), "bob:");
    const before = tokens.issued;
    const refreshedBefore = tokens.refreshed;
    const push = await daemon.berth(["push", `${registry.host}/tok/box:1`]);
    assert.equal(push.code, 0, push.stderr);
    assert.match(push.stdout, /1: digest: sha256:/);
    // One token per scope set for the whole push, not one per request; got with the refresh token.
    assert.ok(tokens.issued - before <= 2, `tokens issued: ${tokens.issued - before}`);
    assert.ok(tokens.refreshed > refreshedBefore);
    assert.equal((await daemon.berth(["rmi", `${registry.host}/tok/box:1`])).code, 0);
    const pull = await daemon.docker(["pull", `${registry.host}/tok/box:1`]);
    assert.equal(pull.code, 0, pull.stderr);
    const run = await daemon.docker(["run", "--rm", `${registry.host}/tok/box:1`, "echo", "token-ok"]);
    assert.equal(run.stdout.trim(), "token-ok");
  });

  test("expired tokens are refused by the registry: a clear error, then a fresh token works", async () => {
    const name = `${registry.host}/tok/box:1`;
    assert.equal((await daemon.docker(["rmi", name])).code, 0);
    tokens.ttl = -60;
    const expired = await daemon.berth(["pull", name]);
    tokens.ttl = 300;
    assert.notEqual(expired.code, 0);
    assert.match(expired.stderr, /pull access denied for .*tok\/box|unauthorized/);
    assert.equal((await daemon.docker(["image", "inspect", name])).code, 1);
    assert.equal((await daemon.request("GET", "/_ping")).status, 200);
    const pull = await daemon.berth(["pull", name]);
    assert.equal(pull.code, 0, pull.stderr);
  });
});

describe("TLS with a certs.d CA", () => {
  let daemon: TestDaemon;
  let registry: TestRegistry;

  before(async () => {
    registry = await startRegistry({ tls: true });
    const certsDir = join(registry.dir, "certs.d");
    await mkdir(join(certsDir, registry.host), { recursive: true });
    await copyFile(registry.caPath ?? "", join(certsDir, registry.host, "ca.crt"));
    daemon = await startDaemon({ config: { "registry-certs-dir": certsDir } });
    await loadBusybox(daemon, [`${registry.host}/secure:1`]);
  });
  after(async () => {
    await daemon?.cleanup();
    await registry?.stop();
  });

  test("push and pull over HTTPS", async () => {
    const push = await daemon.docker(["push", `${registry.host}/secure:1`]);
    assert.equal(push.code, 0, push.stderr);
    assert.equal((await daemon.docker(["rmi", `${registry.host}/secure:1`])).code, 0);
    const pull = await daemon.docker(["pull", `${registry.host}/secure:1`]);
    assert.equal(pull.code, 0, pull.stderr);
  });
});

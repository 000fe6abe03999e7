import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { Readable } from "node:stream";
import { fileURLToPath } from "node:url";
import { after, before, describe, it } from "node:test";
import { BERTHD_BUNDLE, DOCKER_CLI, fileBody, startDaemon } from "./daemon.ts";
import type { StartDaemonOptions, TestDaemon } from "./daemon.ts";
import { sha256Digest } from "./file-digest.ts";
import { mountsUnder } from "./mount-cleanup.ts";
import { runCommand } from "./run-command.ts";
import { validateResponse } from "./swagger-validator.ts";

const FAKE = fileURLToPath(new URL("./fake-berthd.ts", import.meta.url));
const HAVE_DOCKER = existsSync(DOCKER_CLI);
const IS_ROOT = process.getuid?.() === 0;

function fake(options: StartDaemonOptions = {}): Promise<TestDaemon> {
  return startDaemon({ entry: FAKE, nodeArgs: ["--import", "tsx"], startTimeoutMs: 20_000, ...options });
}

describe("startDaemon with a fake berthd", () => {
  let daemon: TestDaemon;
  before(async () => {
    daemon = await fake();
  });
  after(async () => {
    await daemon.cleanup();
  });

  it("waits for /_ping and lays out the temp directories", async () => {
    assert.ok(daemon.pid > 0);
    assert.equal(daemon.host, `unix://${daemon.socket}`);
    for (const path of [daemon.root, daemon.execRoot, daemon.socket]) assert.ok(existsSync(path), path);
    const ping = await daemon.request("GET", "/_ping");
    assert.equal(ping.status, 200);
    assert.equal(ping.text(), "OK");
    validateResponse("GET", "/_ping", ping.status, ping.body);
    const version = await daemon.request("GET", "/v1.44/version");
    validateResponse("GET", "/v1.44/version", version.status, version.json());
    assert.match(daemon.logs(), /listening on/);
  });

  it("sends JSON, raw bodies and headers", async () => {
    const json = (await daemon.request("POST", "/echo", { Image: "busybox" }, { "X-Test": "1" })).json<{
      headers: Record<string, string>;
      body: string;
    }>();
    assert.equal(json.headers["content-type"], "application/json");
    assert.equal(json.headers["x-test"], "1");
    assert.deepEqual(JSON.parse(json.body), { Image: "busybox" });
    const raw = (await daemon.request("POST", "/echo", "plain", { "Content-Type": "text/plain" })).json<{
      body: string;
    }>();
    assert.equal(raw.body, "plain");
    const missing = await daemon.request("GET", "/nope");
    assert.equal(missing.status, 404);
    assert.deepEqual(missing.json(), { message: "page not found" });
    const ping = await daemon.request("GET", "/_ping");
    assert.throws(() => ping.json(), /GET \/_ping -> 200: body is not JSON: OK/);
  });

  it("streams uploads from a file and from a Readable", async () => {
    const data = randomBytes(3 * 1024 * 1024 + 17);
    const file = join(daemon.dir, "upload.bin");
    await writeFile(file, data);
    const expected = { bytes: data.length, sha256: sha256Digest(data).slice(7) };

    const fromFile = (
      await daemon.request("POST", "/images/load", fileBody(file, "application/x-tar"))
    ).json<{
      stream: string;
    }>();
    assert.deepEqual(JSON.parse(fromFile.stream), { ...expected, chunked: false });

    const stream = Readable.from([data.subarray(0, 1000), data.subarray(1000)]);
    const fromStream = (await daemon.request("POST", "/images/load", stream)).json<{ stream: string }>();
    assert.deepEqual(JSON.parse(fromStream.stream), { ...expected, chunked: true });
  });

  it("offers the response as a stream", async () => {
    const { status, response } = await daemon.stream("GET", "/version");
    assert.equal(status, 200);
    let text = "";
    for await (const chunk of response) text += String(chunk);
    assert.match(text, /0\.0\.0-fake/);
  });

  it("runs the docker CLI against it", { skip: !HAVE_DOCKER && "no docker CLI" }, async () => {
    const version = await daemon.docker(["version", "--format", "{{.Server.Version}}"]);
    assert.equal(version.code, 0, version.stderr);
    assert.equal(version.stdout.trim(), "0.0.0-fake");
    // stdin reaches the daemon: docker load streams it to POST /images/load.
    const data = randomBytes(100_000);
    const load = await daemon.docker(["load"], { input: data });
    assert.match(load.stdout, new RegExp(sha256Digest(data).slice(7)));
  });

  it("restarts on the same directories", async () => {
    const before = daemon.pid;
    await daemon.restart();
    assert.notEqual(daemon.pid, before);
    assert.deepEqual(daemon.lastExit, { code: 0, signal: null });
    assert.equal((await daemon.request("GET", "/_ping")).status, 200);
  });

  it("kill9 kills, and restart brings it back", async () => {
    const exit = await daemon.kill9();
    assert.deepEqual(exit, { code: null, signal: "SIGKILL" });
    await assert.rejects(daemon.request("GET", "/_ping"));
    await daemon.restart();
    assert.equal((await daemon.request("GET", "/_ping")).status, 200);
  });
});

describe("startDaemon failures and shutdown", () => {
  it("reports an early exit with the daemon's output", async () => {
    await assert.rejects(fake({ env: { FAKE_BERTHD_FAIL: "1" } }), (err: Error) => {
      assert.match(err.message, /exited during startup \(exit code 3\)/);
      assert.match(err.message, /refusing to start/);
      return true;
    });
  });

  it("gives up when /_ping never answers", async () => {
    const started = Date.now();
    // `node -e` runs the snippet and ignores the script path and flags after it.
    await assert.rejects(
      startDaemon({ nodeArgs: ["-e", "setInterval(() => {}, 1000)"], entry: "ignored", startTimeoutMs: 400 }),
      /did not answer GET \/_ping within 400 ms/,
    );
    assert.ok(Date.now() - started < 10_000);
  });

  it("SIGKILLs a daemon that ignores SIGTERM", async () => {
    const daemon = await fake({ env: { FAKE_BERTHD_IGNORE_TERM: "1" }, stopTimeoutMs: 300 });
    try {
      assert.deepEqual(await daemon.stop(), { code: null, signal: "SIGKILL" });
      assert.match(daemon.logs(), /ignoring SIGTERM/);
    } finally {
      await daemon.cleanup();
    }
  });

  it("cleanup ends leftover processes, unmounts and removes the directory", async () => {
    const daemon = await fake();
    // A stand-in for conmon: a process that names the test directory on its command line.
    const leftover = spawn(
      process.execPath,
      ["-e", "setInterval(() => {}, 1000)", join(daemon.execRoot, "conmon")],
      {
        stdio: "ignore",
      },
    );
    const leftoverExit = new Promise((resolve) => leftover.once("exit", (_code, signal) => resolve(signal)));
    if (IS_ROOT) {
      const outer = join(daemon.root, "mnt");
      await mkdir(outer);
      assert.equal((await runCommand("mount", ["-t", "tmpfs", "tmpfs", outer])).code, 0);
      await mkdir(join(outer, "inner"));
      assert.equal((await runCommand("mount", ["-t", "tmpfs", "tmpfs", join(outer, "inner")])).code, 0);
      assert.equal((await mountsUnder(daemon.dir)).length, 2);
    }
    await daemon.cleanup();
    assert.equal(await leftoverExit, "SIGKILL");
    assert.ok(!existsSync(daemon.dir));
    assert.deepEqual(await mountsUnder(daemon.dir), []);
    await daemon.cleanup(); // idempotent
  });
});

describe(
  "startDaemon with the real berthd",
  { skip: !existsSync(BERTHD_BUNDLE) && "dist/berthd.mjs not built" },
  () => {
    let daemon: TestDaemon;
    before(async () => {
      daemon = await startDaemon();
    });
    after(async () => {
      await daemon?.cleanup();
    });

    it("answers /_ping and /version as the swagger says", async () => {
      const ping = await daemon.request("GET", "/_ping");
      assert.equal(ping.text(), "OK");
      const version = await daemon.request("GET", "/version");
      validateResponse("GET", "/version", version.status, version.json());
    });

    it("works with the docker CLI", { skip: !HAVE_DOCKER && "no docker CLI" }, async () => {
      const result = await daemon.docker(["version", "--format", "{{.Server.APIVersion}}"]);
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout.trim(), /^1\.\d+$/);
    });

    it("stops cleanly on SIGTERM and restarts on the same root", async () => {
      await daemon.restart();
      assert.deepEqual(daemon.lastExit, { code: 0, signal: null });
      assert.equal((await daemon.request("GET", "/_ping")).status, 200);
    });

    it("restarts after a crash", async () => {
      await daemon.kill9();
      await daemon.restart();
      assert.equal((await daemon.request("GET", "/_ping")).status, 200);
    });
  },
);

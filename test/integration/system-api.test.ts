// berthd's system endpoints and API rules against a real daemon: ping headers, version
// negotiation, /version and /info shapes (validated against the swagger), error bodies,
// request-size limits, one daemon per root, clean shutdown.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import { after, before, describe, it } from "node:test";
import { startDaemon, type TestDaemon } from "../helpers/daemon.ts";
import { validateResponse } from "../helpers/swagger-validator.ts";

describe("system API", () => {
  let daemon: TestDaemon;
  before(async () => {
    daemon = await startDaemon();
  });
  after(() => daemon.cleanup());

  it("answers GET and HEAD /_ping with the negotiation headers", async () => {
    for (const method of ["GET", "HEAD"]) {
      const res = await daemon.request(method, "/_ping");
      assert.equal(res.status, 200);
      assert.equal(res.headers["api-version"], "1.47");
      assert.equal(res.headers["ostype"], "linux");
      assert.equal(res.headers["builder-version"], "1");
      assert.equal(res.headers["docker-experimental"], "false");
      assert.match(String(res.headers["cache-control"]), /no-cache/);
      assert.equal(res.text(), method === "GET" ? "OK" : "");
    }
  });

  it("serves /version and /info in the swagger's shapes with real host facts", async () => {
    const version = await daemon.request("GET", "/v1.47/version");
    assert.equal(version.status, 200);
    validateResponse("get", "/version", 200, version.json());
    const v = version.json<{ ApiVersion: string; MinAPIVersion: string; Os: string }>();
    assert.equal(v.ApiVersion, "1.47");
    assert.equal(v.MinAPIVersion, "1.24");

    const info = await daemon.request("GET", "/info");
    assert.equal(info.status, 200);
    validateResponse("get", "/info", 200, info.json());
    const i = info.json<{
      NCPU: number;
      MemTotal: number;
      KernelVersion: string;
      DockerRootDir: string;
      Images: number;
    }>();
    assert.ok(i.NCPU >= 1);
    assert.ok(i.MemTotal > 0);
    assert.ok(i.KernelVersion.length > 0);
    assert.equal(i.DockerRootDir, daemon.root);
    assert.equal(i.Images, 0);
  });

  it("accepts every version prefix from 1.24 up and refuses newer ones with Docker's words", async () => {
    for (const prefix of ["", "/v1.24", "/v1.40", "/v1.44", "/v1.47"]) {
      assert.equal((await daemon.request("GET", `${prefix}/version`)).status, 200, prefix);
    }
    const tooNew = await daemon.request("GET", "/v1.99/version");
    assert.equal(tooNew.status, 400);
    assert.equal(
      tooNew.json<{ message: string }>().message,
      "client version 1.99 is too new. Maximum supported API version is 1.47",
    );
    const tooOld = await daemon.request("GET", "/v1.12/version");
    assert.equal(tooOld.status, 400);
    assert.match(tooOld.json<{ message: string }>().message, /client version 1\.12 is too old/);
  });

  it("answers unknown routes with a 404 JSON body", async () => {
    const res = await daemon.request("GET", "/v1.47/nothing/here");
    assert.equal(res.status, 404);
    assert.deepEqual(res.json(), { message: "page not found" });
  });

  it("survives a 100 MB request body", async () => {
    const huge = Buffer.alloc(100 * 1024 * 1024, 0x20);
    const res = await daemon.request("POST", "/images/busybox/tag?repo=x", huge, {
      "Content-Type": "application/json",
    });
    assert.ok(res.status === 404 || res.status === 400, `status ${res.status}`);
    assert.equal((await daemon.request("GET", "/_ping")).status, 200);
  });

  it("works with the real docker CLI", async () => {
    const version = await daemon.docker(["version", "--format", "{{.Server.APIVersion}} {{.Server.Os}}"]);
    assert.equal(version.code, 0, version.stderr);
    assert.equal(version.stdout.trim(), "1.47 linux");
    const info = await daemon.docker(["info", "--format", "{{.Driver}} {{.OSType}} {{.NCPU}}"]);
    assert.equal(info.code, 0, info.stderr);
    assert.match(info.stdout.trim(), /^overlayfs linux \d+$/);
  });

  it("names the runtime, monitor and init versions as dockerd names its runc and docker-init", async () => {
    // What the host's binaries say of themselves: "runc version 1.1.5+ds1\ncommit: ...".
    const own = (bin: string): string => execFileSync(bin, ["--version"], { encoding: "utf8" });
    const components = await daemon.docker([
      "version",
      "--format",
      "{{range .Server.Components}}{{.Name}}={{.Version}} {{end}}",
    ]);
    assert.equal(components.code, 0, components.stderr);
    const listed = components.stdout.trim().split(" ");
    for (const bin of ["runc", "conmon"]) {
      assert.ok(listed.includes(`${bin}=${/version (\S+)/.exec(own(bin))?.[1]}`), components.stdout);
    }
    const info = await daemon.docker(["info"]);
    assert.equal(info.code, 0, info.stderr);
    const commit = /^commit: (.+)$/m.exec(own("runc"))?.[1];
    assert.match(info.stdout, new RegExp(`runc version: ${commit?.replace(/[.+]/g, "\\$&")}\n`));
    if (existsSync("/usr/bin/tini")) assert.match(info.stdout, / Init Binary: tini/);
  });

  it("works with the berth CLI", async () => {
    const version = await daemon.berth(["version", "--format", "{{.Server.APIVersion}}"]);
    assert.equal(version.code, 0, version.stderr);
    assert.equal(version.stdout.trim(), "1.47");
    const full = await daemon.berth(["version"]);
    assert.equal(full.code, 0, full.stderr);
    assert.match(full.stdout, /\n runc:\n {2}Version: +\d/);
  });
});

describe("daemon lifecycle", () => {
  it("refuses a second daemon on the same root and shuts down cleanly on SIGTERM", async () => {
    const first = await startDaemon();
    try {
      const second = await startDaemon({ args: ["--root", first.root], startTimeoutMs: 10_000 }).then(
        async (d) => {
          await d.cleanup();
          return "started";
        },
        (err: Error) => err.message,
      );
      assert.match(second, /another berthd is using the root directory/);
      assert.equal(statSync(first.socket).mode & 0o777, 0o660, "socket mode 0660");
      const pidFile = `${first.execRoot}/berthd.pid`;
      assert.ok(existsSync(pidFile));
      const exit = await first.stop();
      assert.equal(exit?.code, 0);
      assert.equal(existsSync(first.socket), false, "socket removed");
      assert.equal(existsSync(pidFile), false, "pid file removed");
    } finally {
      await first.cleanup();
    }
  });
});

import assert from "node:assert/strict";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import {
  DOCKER_HUB_AUTH_KEY,
  authKeyOf,
  eraseCredentials,
  getCredentials,
  registryOfImage,
  storeCredentials,
} from "./docker-config.ts";

const dir = mkdtempSync(join(tmpdir(), "docker-config-"));
const saved = { DOCKER_CONFIG: process.env["DOCKER_CONFIG"], PATH: process.env["PATH"] };
process.env["DOCKER_CONFIG"] = dir;
after(() => {
  process.env["DOCKER_CONFIG"] = saved.DOCKER_CONFIG;
  process.env["PATH"] = saved.PATH;
  if (saved.DOCKER_CONFIG === undefined) delete process.env["DOCKER_CONFIG"];
  rmSync(dir, { recursive: true, force: true });
});

test("registry of an image and its config.json key", () => {
  assert.equal(registryOfImage("busybox"), "docker.io");
  assert.equal(registryOfImage("user/repo:1"), "docker.io");
  assert.equal(registryOfImage("localhost/x"), "localhost");
  assert.equal(registryOfImage("127.0.0.1:5000/a/b"), "127.0.0.1:5000");
  assert.equal(authKeyOf("docker.io"), DOCKER_HUB_AUTH_KEY);
  assert.equal(authKeyOf(""), DOCKER_HUB_AUTH_KEY);
  assert.equal(authKeyOf("https://reg:5000/v2/"), "reg:5000");
});

test("auths in config.json: store, get, erase", () => {
  storeCredentials("reg:5000", { username: "u", password: "p:w" });
  const file = JSON.parse(readFileSync(join(dir, "config.json"), "utf8")) as {
    auths: Record<string, { auth: string }>;
  };
  assert.equal(Buffer.from(file.auths["reg:5000"]?.auth ?? "", "base64").toString(), "u:p:w");
  assert.deepEqual(getCredentials("reg:5000"), { serveraddress: "reg:5000", username: "u", password: "p:w" });
  assert.equal(eraseCredentials("reg:5000"), true);
  assert.equal(getCredentials("reg:5000"), undefined);
  assert.equal(eraseCredentials("reg:5000"), false);
});

test("credsStore: the docker-credential-helpers protocol", () => {
  // A real helper program speaking the protocol, keeping secrets in a file.
  const bin = join(dir, "bin");
  const store = join(dir, "helper-store.json");
  mkdirSync(bin, { recursive: true });
  writeFileSync(
    join(bin, "docker-credential-berthtest"),
    `#!/usr/bin/env node
const fs = require("fs");
const file = ${JSON.stringify(store)};
const db = fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, "utf8")) : {};
const input = fs.readFileSync(0, "utf8");
const action = process.argv[2];
if (action === "store") { const c = JSON.parse(input); db[c.ServerURL] = c; }
else if (action === "get") { const c = db[input.trim()]; if (!c) { process.stdout.write("credentials not found in native keychain"); process.exit(1); } process.stdout.write(JSON.stringify(c)); }
else if (action === "erase") { delete db[input.trim()]; }
fs.writeFileSync(file, JSON.stringify(db));
`,
  );
  chmodSync(join(bin, "docker-credential-berthtest"), 0o755);
  process.env["PATH"] = `${bin}:${saved.PATH ?? ""}`;
  writeFileSync(join(dir, "config.json"), JSON.stringify({ credsStore: "berthtest" }));
  storeCredentials("reg:5000", { username: "h", password: "secret" });
  assert.deepEqual(JSON.parse(readFileSync(store, "utf8"))["reg:5000"], {
    ServerURL: "reg:5000",
    Username: "h",
    Secret: "secret",
  });
  assert.deepEqual(getCredentials("reg:5000"), {
    username: "h",
    password: "secret",
    serveraddress: "reg:5000",
  });
  assert.equal(eraseCredentials("reg:5000"), true);
  assert.equal(getCredentials("reg:5000"), undefined);
});

import assert from "node:assert/strict";
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { endpointsFor, isInsecure } from "./registry-hosts.ts";

const base = { insecureRegistries: [], mirrors: {}, certsDir: "/nonexistent" };

test("docker.io goes to registry-1.docker.io over https, after mirrors", () => {
  const eps = endpointsFor("docker.io", { ...base, mirrors: { "docker.io": ["http://127.0.0.1:5001"] } });
  assert.deepEqual(
    eps.map((e) => [e.host, e.schemes, e.mirror]),
    [
      ["127.0.0.1:5001", ["http"], true],
      ["registry-1.docker.io", ["https"], false],
    ],
  );
});

test("plain http only for loopback and insecure-registries", () => {
  assert.equal(isInsecure("127.0.0.1:5000", base), true);
  assert.equal(isInsecure("localhost:5000", base), true);
  assert.equal(isInsecure("[::1]:5000", base), true);
  assert.equal(isInsecure("example.com", base), false);
  assert.equal(isInsecure("10.1.2.3:5000", { insecureRegistries: ["10.0.0.0/8"] }), true);
  assert.equal(isInsecure("reg.local:5000", { insecureRegistries: ["reg.local:5000"] }), true);
  assert.equal(isInsecure("11.1.2.3", { insecureRegistries: ["10.0.0.0/8"] }), false);
});

test("certs.d CA files are read per host:port", () => {
  const dir = mkdtempSync(join(tmpdir(), "certsd-"));
  try {
    mkdirSync(join(dir, "reg.local:5000"));
    writeFileSync(join(dir, "reg.local:5000", "ca.crt"), "PEM");
    const [ep] = endpointsFor("reg.local:5000", { ...base, certsDir: dir });
    assert.deepEqual(ep?.ca.map(String), ["PEM"]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a blocked registry is refused before any connection, or reached through its mirrors only", () => {
  assert.throws(
    () => endpointsFor("docker.io", { ...base, blocked: ["docker.io"] }),
    /registry docker.io is blocked by this daemon's configuration/,
  );
  assert.equal(endpointsFor("reg.local:5000", { ...base, blocked: ["docker.io"] }).length, 1);
  const viaMirror = endpointsFor("docker.io", {
    ...base,
    blocked: ["docker.io"],
    mirrors: { "docker.io": ["http://127.0.0.1:5001"] },
  });
  assert.deepEqual(
    viaMirror.map((e) => [e.host, e.mirror]),
    [["127.0.0.1:5001", true]],
    "only the mirror",
  );
});

import assert from "node:assert/strict";
import { test } from "node:test";
import { DEFAULT_CERTS_DIR, registryConfigOf } from "./registry-config.ts";
import { pullReference } from "./image-pull.ts";

test("daemon.json registry keys", () => {
  const c = registryConfigOf(
    {
      "insecure-registries": ["reg:5000"],
      "registry-mirrors": ["https://m1"],
      "registry-mirror-map": { "reg:5000": ["http://127.0.0.1:6000"] },
      "blocked-registries": ["docker.io"],
    },
    "daemon.json",
  );
  assert.deepEqual(c, {
    insecureRegistries: ["reg:5000"],
    mirrors: { "docker.io": ["https://m1"], "reg:5000": ["http://127.0.0.1:6000"] },
    certsDir: DEFAULT_CERTS_DIR,
    blocked: ["docker.io"],
  });
  assert.throws(() => registryConfigOf({ "insecure-registries": "x" }, "daemon.json"), /array of strings/);
});

test("pull references: tag, digest, all tags, normalisation", () => {
  assert.deepEqual(pullReference("busybox", "latest"), {
    ref: { domain: "docker.io", path: "library/busybox", tag: "latest" },
    allTags: false,
  });
  const d = `sha256:${"a".repeat(64)}`;
  assert.equal(pullReference("127.0.0.1:5000/x", d).ref.digest, d);
  assert.equal(pullReference("127.0.0.1:5000/x", "").allTags, true);
  assert.throws(() => pullReference("Bad Name", "latest"), /invalid reference format/);
});

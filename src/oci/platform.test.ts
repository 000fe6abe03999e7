import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { isEngineError } from "../lib/index.ts";
import {
  formatPlatform,
  hostPlatform,
  normalizeArch,
  normalizePlatform,
  parsePlatform,
  type Platform,
} from "./platform.ts";

const AMD64_HOST: Platform = { os: "linux", architecture: "amd64" };

describe("normalizeArch", () => {
  const cases: [string, string, string, string][] = [
    ["x86_64", "", "amd64", ""],
    ["x86-64", "", "amd64", ""],
    ["AMD64", "", "amd64", ""],
    ["amd64", "v1", "amd64", ""],
    ["amd64", "v3", "amd64", "v3"],
    ["i386", "", "386", ""],
    ["aarch64", "", "arm64", "v8"],
    ["arm64", "", "arm64", "v8"],
    ["arm64", "8", "arm64", "v8"],
    ["arm64", "v8.2", "arm64", "v8.2"],
    ["arm64", "9", "arm64", "v9"],
    ["armhf", "", "arm", "v7"],
    ["armel", "", "arm", "v6"],
    ["arm", "", "arm", "v7"],
    ["arm", "6", "arm", "v6"],
    ["arm", "v5", "arm", "v5"],
    ["ppc64le", "", "ppc64le", ""],
    ["s390x", "", "s390x", ""],
  ];
  for (const [arch, variant, wantArch, wantVariant] of cases) {
    it(`${arch}/${variant || "-"} -> ${wantArch}/${wantVariant || "-"}`, () => {
      assert.deepEqual(normalizeArch(arch, variant), { architecture: wantArch, variant: wantVariant });
    });
  }
});

describe("parsePlatform", () => {
  const cases: [string, string][] = [
    ["linux/amd64", "linux/amd64"],
    ["linux/x86_64", "linux/amd64"],
    ["Linux/AMD64", "linux/amd64"],
    ["linux/arm64", "linux/arm64/v8"],
    ["linux/arm64/v8", "linux/arm64/v8"],
    ["linux/aarch64", "linux/arm64/v8"],
    ["linux/arm/v7", "linux/arm/v7"],
    ["linux/arm", "linux/arm/v7"],
    ["linux/armhf", "linux/arm/v7"],
    ["linux/arm/6", "linux/arm/v6"],
    ["linux/386", "linux/386"],
    ["linux/amd64/v2", "linux/amd64/v2"],
    ["windows/amd64", "windows/amd64"],
    ["macos/arm64", "darwin/arm64/v8"],
    ["linux", "linux/amd64"],
    ["arm64", "linux/arm64/v8"],
    ["aarch64", "linux/arm64/v8"],
    ["amd64", "linux/amd64"],
  ];
  for (const [input, expected] of cases) {
    it(`${input} -> ${expected}`, () =>
      assert.equal(formatPlatform(parsePlatform(input, AMD64_HOST)), expected));
  }

  it("reads an OS version", () => {
    assert.deepEqual(parsePlatform("windows(10.0.17763)/amd64", AMD64_HOST), {
      os: "windows",
      architecture: "amd64",
      "os.version": "10.0.17763",
    });
  });

  for (const bad of [
    "",
    "linux/",
    "/amd64",
    "linux/amd64/v8/x",
    "linux/*",
    "nonsense",
    "linux/am d64",
    "lin ux",
  ]) {
    it(`refuses ${JSON.stringify(bad)}`, () => {
      assert.throws(
        () => parsePlatform(bad, AMD64_HOST),
        (err: unknown) =>
          isEngineError(err) && err.code === "INVALID_PLATFORM" && err.category === "invalid-argument",
      );
    });
  }
});

describe("hostPlatform", () => {
  it("maps Node's names to GOARCH", () => {
    assert.deepEqual(hostPlatform("x64", "linux", ""), { os: "linux", architecture: "amd64" });
    assert.deepEqual(hostPlatform("arm64", "linux", ""), {
      os: "linux",
      architecture: "arm64",
      variant: "v8",
    });
    assert.deepEqual(hostPlatform("arm", "linux", "6"), { os: "linux", architecture: "arm", variant: "v6" });
    assert.deepEqual(hostPlatform("arm", "linux", ""), { os: "linux", architecture: "arm", variant: "v7" });
    assert.deepEqual(hostPlatform("ia32", "linux", ""), { os: "linux", architecture: "386" });
    assert.deepEqual(hostPlatform("s390x", "linux", ""), { os: "linux", architecture: "s390x" });
    assert.deepEqual(hostPlatform("x64", "win32", ""), { os: "windows", architecture: "amd64" });
  });
  it("describes this machine", () => {
    const host = hostPlatform();
    assert.equal(host.os, process.platform === "win32" ? "windows" : process.platform);
    assert.ok(host.architecture.length > 0);
  });
});

describe("normalizePlatform", () => {
  it("sorts and deduplicates os.features and drops empty fields", () => {
    assert.deepEqual(
      normalizePlatform({
        os: "Linux",
        architecture: "aarch64",
        "os.features": ["b", "a", "b"],
        "os.version": "",
        features: [],
      }),
      { os: "linux", architecture: "arm64", variant: "v8", "os.features": ["a", "b"] },
    );
  });
});

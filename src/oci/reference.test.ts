import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { isEngineError } from "../lib/index.ts";
import {
  familiarName,
  familiarString,
  normalizedName,
  normalizedString,
  parseAnyReference,
  parseDockerReference,
  parseNormalizedReference,
  parseReference,
  withDefaultTag,
  type Reference,
} from "./reference.ts";

const H64 = "f".repeat(64);
const D256 = `sha256:${H64}`;
const D512 = `sha512:${"f".repeat(128)}`;
const HEXID = "1a3f5e7d9c1b3a5f7e9d1c3b5a7f9e1d3c5b7a9f1e3d5d7c9b1a3f5e7d9c1b3a";

function throwsReference(fn: () => unknown, message: string): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(isEngineError(err), "an EngineError");
    assert.equal(err.category, "invalid-argument");
    assert.equal(err.code, "INVALID_REFERENCE");
    assert.equal(err.message, message);
    return true;
  });
}

describe("parseNormalizedReference", () => {
  // input -> normalized string, familiar string, [domain, path]
  const ok: [string, string, string, [string, string]][] = [
    ["busybox", "docker.io/library/busybox", "busybox", ["docker.io", "library/busybox"]],
    ["busybox:1.36", "docker.io/library/busybox:1.36", "busybox:1.36", ["docker.io", "library/busybox"]],
    ["library/busybox", "docker.io/library/busybox", "busybox", ["docker.io", "library/busybox"]],
    ["docker.io/busybox", "docker.io/library/busybox", "busybox", ["docker.io", "library/busybox"]],
    ["docker.io/library/busybox", "docker.io/library/busybox", "busybox", ["docker.io", "library/busybox"]],
    ["index.docker.io/busybox", "docker.io/library/busybox", "busybox", ["docker.io", "library/busybox"]],
    ["index.docker.io/library/debian", "docker.io/library/debian", "debian", ["docker.io", "library/debian"]],
    ["index.docker.io/fooo/bar", "docker.io/fooo/bar", "fooo/bar", ["docker.io", "fooo/bar"]],
    ["user/repo", "docker.io/user/repo", "user/repo", ["docker.io", "user/repo"]],
    ["user/repo:tag", "docker.io/user/repo:tag", "user/repo:tag", ["docker.io", "user/repo"]],
    ["docker/migrator", "docker.io/docker/migrator", "docker/migrator", ["docker.io", "docker/migrator"]],
    ["test_com/foo", "docker.io/test_com/foo", "test_com/foo", ["docker.io", "test_com/foo"]],
    ["library/foo/bar", "docker.io/library/foo/bar", "library/foo/bar", ["docker.io", "library/foo/bar"]],
    ["other/library", "docker.io/other/library", "other/library", ["docker.io", "other/library"]],
    ["store/foo/bar", "docker.io/store/foo/bar", "store/foo/bar", ["docker.io", "store/foo/bar"]],
    ["localhost/x", "localhost/x", "localhost/x", ["localhost", "x"]],
    ["localhost:5000/x", "localhost:5000/x", "localhost:5000/x", ["localhost:5000", "x"]],
    ["localhost:5000/x:1", "localhost:5000/x:1", "localhost:5000/x:1", ["localhost:5000", "x"]],
    ["127.0.0.1:5000/a/b", "127.0.0.1:5000/a/b", "127.0.0.1:5000/a/b", ["127.0.0.1:5000", "a/b"]],
    ["192.168.0.1:8/debian", "192.168.0.1:8/debian", "192.168.0.1:8/debian", ["192.168.0.1:8", "debian"]],
    [
      "registry.example.com:443/a/b:tag",
      "registry.example.com:443/a/b:tag",
      "registry.example.com:443/a/b:tag",
      ["registry.example.com:443", "a/b"],
    ],
    [
      "example.com/privatebase",
      "example.com/privatebase",
      "example.com/privatebase",
      ["example.com", "privatebase"],
    ],
    ["xn--n3h.com:18080/foo", "xn--n3h.com:18080/foo", "xn--n3h.com:18080/foo", ["xn--n3h.com:18080", "foo"]],
    ["test-com:8080/foo", "test-com:8080/foo", "test-com:8080/foo", ["test-com:8080", "foo"]],
    ["[fc00::1]:5000/docker", "[fc00::1]:5000/docker", "[fc00::1]:5000/docker", ["[fc00::1]:5000", "docker"]],
    ["[::1]/repo:tag", "[::1]/repo:tag", "[::1]/repo:tag", ["[::1]", "repo"]],
    // An uppercase first component can only be a registry host.
    ["Foo/bar", "Foo/bar", "Foo/bar", ["Foo", "bar"]],
    ["DOCKER/docker", "DOCKER/docker", "DOCKER/docker", ["DOCKER", "docker"]],
    // A bare name is a Hub repository, even if it looks like a host.
    ["192.168.0.1", "docker.io/library/192.168.0.1", "192.168.0.1", ["docker.io", "library/192.168.0.1"]],
    [
      "192.168.0.1:80",
      "docker.io/library/192.168.0.1:80",
      "192.168.0.1:80",
      ["docker.io", "library/192.168.0.1"],
    ],
    ["localhost", "docker.io/library/localhost", "localhost", ["docker.io", "library/localhost"]],
    ["x@" + D256, `docker.io/library/x@${D256}`, `x@${D256}`, ["docker.io", "library/x"]],
    ["x:tag@" + D256, `docker.io/library/x:tag@${D256}`, `x:tag@${D256}`, ["docker.io", "library/x"]],
    ["a/b@" + D512, `docker.io/a/b@${D512}`, `a/b@${D512}`, ["docker.io", "a/b"]],
    [
      "busybox:Latest",
      "docker.io/library/busybox:Latest",
      "busybox:Latest",
      ["docker.io", "library/busybox"],
    ],
    [
      "docker---rules/docker",
      "docker.io/docker---rules/docker",
      "docker---rules/docker",
      ["docker.io", "docker---rules/docker"],
    ],
    ["dock__er/docker", "docker.io/dock__er/docker", "dock__er/docker", ["docker.io", "dock__er/docker"]],
    ["a-b_c/d.e", "docker.io/a-b_c/d.e", "a-b_c/d.e", ["docker.io", "a-b_c/d.e"]],
    // Quirk kept from distribution: "a.b_c" looks like a host to splitDockerDomain but is not a
    // valid one, so the grammar reads the whole string as a path with no domain.
    ["a.b_c/d", "a.b_c/d", "a.b_c/d", ["", "a.b_c/d"]],
    [`docker.io/${HEXID}`, `docker.io/library/${HEXID}`, HEXID, ["docker.io", `library/${HEXID}`]],
    [
      HEXID.slice(1),
      `docker.io/library/${HEXID.slice(1)}`,
      HEXID.slice(1),
      ["docker.io", `library/${HEXID.slice(1)}`],
    ],
    [
      "x:" + "t".repeat(128),
      `docker.io/library/x:${"t".repeat(128)}`,
      `x:${"t".repeat(128)}`,
      ["docker.io", "library/x"],
    ],
  ];
  for (const [input, normalized, familiar, [domain, path]] of ok) {
    it(`accepts ${input}`, () => {
      const ref = parseNormalizedReference(input);
      assert.equal(ref.domain, domain);
      assert.equal(ref.path, path);
      assert.equal(normalizedString(ref), normalized);
      assert.equal(familiarString(ref), familiar);
      // Round trip: the familiar form parses to the same reference, except where it is an image id.
      if (familiar !== HEXID) assert.deepEqual(parseNormalizedReference(familiar), ref);
    });
  }

  const INVALID = "invalid reference format";
  const bad: [string, string][] = [
    ["", INVALID],
    ["Busybox", "invalid reference format: repository name (library/Busybox) must be lowercase"],
    ["busyBox:latest", "invalid reference format: repository name (library/busyBox) must be lowercase"],
    ["docker/Docker", "invalid reference format: repository name (docker/Docker) must be lowercase"],
    [
      "docker.io/docker/Docker",
      "invalid reference format: repository name (docker/Docker) must be lowercase",
    ],
    ["localhost:5000/Foo", "invalid reference format: repository name (Foo) must be lowercase"],
    [
      "test:5000/Uppercase/lowercase:tag",
      "invalid reference format: repository name (Uppercase/lowercase) must be lowercase",
    ],
    [HEXID, `invalid repository name (${HEXID}), cannot specify 64-byte hexadecimal strings`],
    ["https://github.com/docker/docker", INVALID],
    ["-docker", INVALID],
    ["-docker/docker", INVALID],
    ["docker-/docker", INVALID],
    ["-docker.io/docker/docker", INVALID],
    ["docker///docker", INVALID],
    ["docker.io/docker///docker", INVALID],
    ["____/____", INVALID],
    ["_docker/_docker", INVALID],
    ["dock..er/docker", INVALID],
    ["dock_.er/docker", INVALID],
    ["dock-.er/docker", INVALID],
    ["docker/", INVALID],
    ["[fc00::1]", INVALID],
    ["[fc00::1]:5000", INVALID],
    ["fc00::1:5000/debian", INVALID],
    ["[fe80::1%eth0]:5000/debian", INVALID],
    ["[2001:db8:3:4::192.0.2.33]:5000/debian", INVALID],
    [":justtag", INVALID],
    ["@" + D256, INVALID],
    ["busybox:", INVALID],
    ["busybox@", INVALID],
    ["busybox:-tag", INVALID],
    ["busybox:.tag", INVALID],
    ["busybox:a:b", INVALID],
    ["busybox:" + "t".repeat(129), INVALID],
    ["busybox@sha256:abc", INVALID],
    ["busy box", INVALID],
    ["busybox\n", INVALID],
    ["aa/asdf$$^/aa", INVALID],
    ["repo@sha256:" + "f".repeat(34), "invalid checksum digest length"],
    ["repo@sha256:" + "F".repeat(64), "invalid checksum digest format"],
    ["validname@invaliddigest:" + H64, "unsupported digest algorithm"],
    // The lowercase check runs up to the first ":", which here is inside the digest.
    [
      "validname@SHA256:" + H64,
      "invalid reference format: repository name (library/validname@SHA256) must be lowercase",
    ],
    ["a/" + "b".repeat(254), "repository name must not be more than 255 characters"],
    ["a/".repeat(128) + "a:tag", "repository name must not be more than 255 characters"],
  ];
  for (const [input, message] of bad) {
    it(`refuses ${JSON.stringify(input.length > 60 ? input.slice(0, 60) + "…" : input)}`, () => {
      throwsReference(() => parseNormalizedReference(input), message);
    });
  }

  it("allows a 255-character path, counted without the domain", () => {
    const path = "a/" + "b".repeat(253);
    assert.equal(path.length, 255);
    assert.equal(parseNormalizedReference(`registry.example.com/${path}`).path, path);
  });

  it("answers quickly on long hostile input", () => {
    const inputs = [
      "a".repeat(100_000) + "!",
      "a.".repeat(50_000) + "!",
      "a-".repeat(50_000),
      "a/".repeat(50_000) + "A",
    ];
    for (const input of inputs) {
      const started = performance.now();
      assert.throws(() => parseNormalizedReference(input));
      assert.ok(performance.now() - started < 1000, `slow on ${input.slice(0, 10)}…`);
    }
  });
});

describe("parseReference (not normalised)", () => {
  const cases: [string, Reference][] = [
    ["test_com", { domain: "", path: "test_com" }],
    ["test.com:tag", { domain: "", path: "test.com", tag: "tag" }],
    ["test.com:5000", { domain: "", path: "test.com", tag: "5000" }],
    ["test.com/repo:tag", { domain: "test.com", path: "repo", tag: "tag" }],
    ["test:5000/repo", { domain: "test:5000", path: "repo" }],
    ["test:5000/repo:tag@" + D256, { domain: "test:5000", path: "repo", tag: "tag", digest: D256 }],
    ["foo/foo_bar.com:8080", { domain: "foo", path: "foo_bar.com", tag: "8080" }],
    ["[2001:db8::1]:5000/repo", { domain: "[2001:db8::1]:5000", path: "repo" }],
    ["lowercase:Uppercase", { domain: "", path: "lowercase", tag: "Uppercase" }],
  ];
  for (const [input, expected] of cases) {
    it(`parses ${input}`, () => assert.deepEqual(parseReference(input), expected));
  }
  it("reports an empty name and uppercase names with distribution's errors", () => {
    throwsReference(() => parseReference(""), "repository name must have at least one component");
    throwsReference(() => parseReference("Uppercase:tag"), "repository name must be lowercase");
    throwsReference(() => parseReference("[2001:db8::1]:tag"), "invalid reference format");
    throwsReference(() => parseReference("validname@SHA256:" + H64), "invalid checksum digest format");
    throwsReference(
      () => parseReference(`x@sha384:${"a".repeat(96)}`.replace("a", "A")),
      "invalid checksum digest format",
    );
    assert.equal(parseReference(`x@sha384:${"a".repeat(96)}`).digest, `sha384:${"a".repeat(96)}`);
  });
});

describe("parseDockerReference and withDefaultTag", () => {
  const cases: [string, string][] = [
    ["busybox", "docker.io/library/busybox:latest"],
    ["busybox:1", "docker.io/library/busybox:1"],
    ["localhost:5000/x", "localhost:5000/x:latest"],
    ["x@" + D256, `docker.io/library/x@${D256}`],
    // Tag and digest: only the digest is kept (it is what gets pulled).
    ["x:tag@" + D256, `docker.io/library/x@${D256}`],
  ];
  for (const [input, expected] of cases) {
    it(`${input} -> ${expected}`, () =>
      assert.equal(normalizedString(parseDockerReference(input)), expected));
  }
  it("adds latest only to a bare name", () => {
    assert.equal(withDefaultTag(parseNormalizedReference("a")).tag, "latest");
    assert.equal(withDefaultTag(parseNormalizedReference("a:1")).tag, "1");
    assert.equal(withDefaultTag(parseNormalizedReference("a@" + D256)).tag, undefined);
    assert.equal(normalizedString(parseNormalizedReference("a"), true), "docker.io/library/a:latest");
    assert.equal(
      normalizedString(parseNormalizedReference("a@" + D256), true),
      `docker.io/library/a@${D256}`,
    );
  });
});

describe("familiarName", () => {
  const cases: [string, string, string][] = [
    ["docker.io/library/ubuntu", "ubuntu", "docker.io/library/ubuntu"],
    ["docker.io/library/foo/bar", "library/foo/bar", "docker.io/library/foo/bar"],
    ["docker.io/dmcgowan/myapp:1", "dmcgowan/myapp", "docker.io/dmcgowan/myapp"],
    ["127.0.0.1:8000/private/moonbase", "127.0.0.1:8000/private/moonbase", "127.0.0.1:8000/private/moonbase"],
    ["example.com/library/x", "example.com/library/x", "example.com/library/x"],
  ];
  for (const [input, familiar, name] of cases) {
    it(`${input} -> ${familiar}`, () => {
      const ref = parseNormalizedReference(input);
      assert.equal(familiarName(ref), familiar);
      assert.equal(normalizedName(ref), name);
    });
  }
});

describe("parseAnyReference", () => {
  it("takes a 64-hex string as an image id", () => {
    assert.deepEqual(parseAnyReference(HEXID), { kind: "digest", digest: `sha256:${HEXID}` });
  });
  it("takes a digest as a digest", () => {
    assert.deepEqual(parseAnyReference(D256), { kind: "digest", digest: D256 });
  });
  it("takes anything else as a name", () => {
    for (const [input, expected] of [
      ["redis", "docker.io/library/redis"],
      [HEXID.slice(1), `docker.io/library/${HEXID.slice(1)}`],
      ["dbcc1", "docker.io/library/dbcc1"],
    ] as const) {
      const any = parseAnyReference(input);
      assert.equal(any.kind, "named");
      if (any.kind === "named") assert.equal(normalizedString(any.ref), expected);
    }
  });
});

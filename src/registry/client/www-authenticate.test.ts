import assert from "node:assert/strict";
import { test } from "node:test";
import { parseWwwAuthenticate } from "./www-authenticate.ts";

test("bearer challenge with quoted params", () => {
  const c = parseWwwAuthenticate(
    'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/busybox:pull,push"',
  );
  assert.deepEqual(c, [
    {
      scheme: "bearer",
      params: {
        realm: "https://auth.docker.io/token",
        service: "registry.docker.io",
        scope: "repository:library/busybox:pull,push",
      },
    },
  ]);
});

test("basic challenge and several challenges", () => {
  assert.deepEqual(parseWwwAuthenticate('Basic realm="Registry Realm"'), [
    { scheme: "basic", params: { realm: "Registry Realm" } },
  ]);
  const two = parseWwwAuthenticate('Basic realm="a", Bearer realm="b",service=s');
  assert.equal(two.length, 2);
  assert.deepEqual(two[1], { scheme: "bearer", params: { realm: "b", service: "s" } });
});

test("escaped quotes and junk", () => {
  assert.deepEqual(parseWwwAuthenticate('Bearer realm="a\\"b"')[0]?.params, { realm: 'a"b' });
  assert.deepEqual(parseWwwAuthenticate(""), []);
});

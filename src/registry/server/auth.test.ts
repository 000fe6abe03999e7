import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { describe, it } from "node:test";
import {
  accessCovers,
  basicChallenge,
  bearerChallenge,
  hashKind,
  parseBasicAuth,
  parseBearer,
  parseHtpasswd,
  parseScope,
  requiredAccess,
  verifySha1,
} from "./auth.ts";
import { Htpasswd } from "./auth-gate.ts";

describe("registry auth pieces", () => {
  it("parses scopes, with colons in the name", () => {
    assert.deepEqual(parseScope("repository:a/b:pull,push"), {
      type: "repository",
      name: "a/b",
      actions: ["pull", "push"],
    });
    assert.deepEqual(parseScope("repository:host:5000/a:pull"), {
      type: "repository",
      name: "host:5000/a",
      actions: ["pull"],
    });
    assert.deepEqual(parseScope("registry:catalog:*"), { type: "registry", name: "catalog", actions: ["*"] });
    assert.equal(parseScope("nonsense"), undefined);
  });
  it("formats challenges as docker expects them", () => {
    assert.equal(
      bearerChallenge({
        realm: "https://auth/token",
        service: "reg",
        scopes: [{ type: "repository", name: "a", actions: ["pull", "push"] }],
      }),
      'Bearer realm="https://auth/token",service="reg",scope="repository:a:pull,push"',
    );
    assert.equal(
      bearerChallenge({ realm: "r", service: "s", error: "insufficient_scope" }),
      'Bearer realm="r",service="s",error="insufficient_scope"',
    );
    assert.equal(basicChallenge('x"y'), 'Basic realm="x\\"y"');
  });
  it("reads Authorization headers", () => {
    const h = `Basic ${Buffer.from("bob:pa:ss").toString("base64")}`;
    assert.deepEqual(parseBasicAuth(h), { user: "bob", password: "pa:ss" });
    assert.equal(parseBasicAuth("Basic !!!"), undefined);
    assert.equal(parseBasicAuth(undefined), undefined);
    assert.equal(parseBearer("Bearer a.b.c"), "a.b.c");
    assert.equal(parseBearer("Basic abc"), undefined);
  });
  it("decides which access a route needs and whether a grant covers it", () => {
    const route = { name: "a/b", kind: "manifests" };
    assert.deepEqual(requiredAccess("GET", route), [{ type: "repository", name: "a/b", actions: ["pull"] }]);
    assert.deepEqual(requiredAccess("PUT", route), [
      { type: "repository", name: "a/b", actions: ["pull", "push"] },
    ]);
    assert.deepEqual(requiredAccess("DELETE", route), [
      { type: "repository", name: "a/b", actions: ["delete"] },
    ]);
    assert.equal(requiredAccess("POST", { name: "x", kind: "uploads" }, "y").length, 2);
    const need = requiredAccess("PUT", route);
    assert.ok(accessCovers([{ type: "repository", name: "a/b", actions: ["push", "pull"] }], need));
    assert.ok(accessCovers([{ type: "repository", name: "a/b", actions: ["*"] }], need));
    assert.ok(!accessCovers([{ type: "repository", name: "a/b", actions: ["pull"] }], need));
    assert.ok(!accessCovers([{ type: "repository", name: "a/c", actions: ["*"] }], need));
    assert.ok(accessCovers([], requiredAccess("GET", "base")));
  });
  it("verifies htpasswd entries of Debian's htpasswd (-B bcrypt, -s SHA)", async () => {
    const lines =
      execFileSync("htpasswd", ["-Bbn", "alice", "pw1"], { encoding: "utf8" }) +
      execFileSync("htpasswd", ["-sbn", "bob", "pw2"], { encoding: "utf8" }) +
      execFileSync("htpasswd", ["-mbn", "carol", "pw3"], { encoding: "utf8" });
    const users = parseHtpasswd(`# comment\n\n${lines}`);
    assert.equal(hashKind(users.get("alice") ?? ""), "bcrypt");
    assert.ok(verifySha1("pw2", users.get("bob") ?? ""));
    const file = new Htpasswd(users);
    assert.ok(await file.verify("alice", "pw1"));
    assert.ok(await file.verify("alice", "pw1"), "cached");
    assert.ok(!(await file.verify("alice", "pw2")));
    assert.ok(await file.verify("bob", "pw2"));
    assert.ok(!(await file.verify("carol", "pw3")), "MD5-crypt is not supported");
    assert.ok(!(await file.verify("nobody", "")));
  });
});

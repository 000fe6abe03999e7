import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { generateKeyPairSync, sign } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { signJwt, TokenError, trustedKeysFromPem, verifyJwt, type TokenClaims } from "./jwt.ts";

const now = 1_800_000_000;
const claims = (over: Partial<TokenClaims> = {}): TokenClaims => ({
  iss: "issuer",
  sub: "alice",
  aud: "registry",
  exp: now + 300,
  nbf: now - 1,
  iat: now,
  access: [{ type: "repository", name: "a/b", actions: ["pull"] }],
  ...over,
});

describe("JWT verification", () => {
  for (const [label, pair] of [
    ["ES256", generateKeyPairSync("ec", { namedCurve: "P-256" })],
    ["RS256", generateKeyPairSync("rsa", { modulusLength: 2048 })],
  ] as const) {
    it(`verifies ${label} tokens and checks issuer, audience and time`, () => {
      const pem = pair.publicKey.export({ type: "spki", format: "pem" }).toString();
      const trusted = trustedKeysFromPem(pem);
      const opts = { trusted, issuer: "issuer", audience: "registry", now };
      const token = signJwt(claims(), pair.privateKey);
      assert.equal(JSON.parse(Buffer.from(token.split(".")[0] ?? "", "base64url").toString()).alg, label);
      assert.deepEqual(verifyJwt(token, opts).access, claims().access);
      assert.throws(() => verifyJwt(token, { ...opts, issuer: "other" }), /issuer/);
      assert.throws(() => verifyJwt(token, { ...opts, audience: "other" }), /audience/);
      assert.throws(() => verifyJwt(token, { ...opts, now: now + 1000 }), /expired/);
      assert.throws(() => verifyJwt(signJwt(claims({ nbf: now + 1000 }), pair.privateKey), opts), /not yet/);
      // A changed payload no longer matches the signature.
      const [h, , s] = token.split(".");
      const tampered = `${h}.${Buffer.from(JSON.stringify(claims({ sub: "mallory" }))).toString("base64url")}.${s}`;
      assert.throws(() => verifyJwt(tampered, opts), TokenError);
    });
  }

  it("refuses tokens of other keys, alg none and HMAC", () => {
    const mine = generateKeyPairSync("ec", { namedCurve: "P-256" });
    const other = generateKeyPairSync("ec", { namedCurve: "P-256" });
    const trusted = trustedKeysFromPem(mine.publicKey.export({ type: "spki", format: "pem" }).toString());
    const opts = { trusted, issuer: "issuer", audience: "registry", now };
    assert.throws(() => verifyJwt(signJwt(claims(), other.privateKey), opts), /signature/);
    const body = Buffer.from(JSON.stringify(claims())).toString("base64url");
    for (const alg of ["none", "HS256"]) {
      const header = Buffer.from(JSON.stringify({ alg, typ: "JWT" })).toString("base64url");
      assert.throws(() => verifyJwt(`${header}.${body}.`, opts), /unsupported token algorithm/);
    }
    assert.throws(() => verifyJwt("a.b", opts), /malformed/);
    assert.throws(() => verifyJwt("!!.!!.!!", opts), /malformed/);
  });

  it("trusts an x5c leaf only when it is in or issued by the bundle", () => {
    const dir = mkdtempSync(join(tmpdir(), "jwt-test-"));
    try {
      const key = join(dir, "k.pem");
      const cert = join(dir, "c.pem");
      execFileSync(
        "openssl",
        [
          "req",
          "-x509",
          "-newkey",
          "ec",
          "-pkeyopt",
          "ec_paramgen_curve:P-256",
          "-nodes",
          "-days",
          "1",
          "-subj",
          "/CN=token",
          "-keyout",
          key,
          "-out",
          cert,
        ],
        { stdio: "ignore" },
      );
      const certPem = readFileSync(cert, "utf8");
      const trusted = trustedKeysFromPem(certPem);
      const opts = { trusted, issuer: "issuer", audience: "registry", now };
      const der = certPem.replace(/-----[A-Z ]+-----|\s/g, "");
      const header = Buffer.from(JSON.stringify({ alg: "ES256", typ: "JWT", x5c: [der] })).toString(
        "base64url",
      );
      const body = Buffer.from(JSON.stringify(claims())).toString("base64url");
      const privateKey = readFileSync(key, "utf8");
      const sig = sign("sha256", Buffer.from(`${header}.${body}`), {
        key: privateKey,
        dsaEncoding: "ieee-p1363",
      });
      assert.equal(verifyJwt(`${header}.${body}.${sig.toString("base64url")}`, opts).sub, "alice");
      const stranger = trustedKeysFromPem(
        generateKeyPairSync("ec", { namedCurve: "P-256" })
          .publicKey.export({ type: "spki", format: "pem" })
          .toString(),
      );
      assert.throws(
        () => verifyJwt(`${header}.${body}.${sig.toString("base64url")}`, { ...opts, trusted: stranger }),
        /untrusted/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

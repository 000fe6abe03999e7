import assert from "node:assert/strict";
import { test } from "node:test";
import { decodeRegistryAuth } from "./registry-routes.ts";

test("X-Registry-Auth: base64url JSON, keys case-insensitive, empty means none", () => {
  const header = Buffer.from(
    JSON.stringify({ Username: "a", password: "p?>", serveraddress: "h:5000" }),
  ).toString("base64url");
  assert.deepEqual(decodeRegistryAuth(header), { username: "a", password: "p?>", serveraddress: "h:5000" });
  // The docker CLI sends "e30=" ({}) when it has no credentials.
  assert.equal(decodeRegistryAuth("e30="), undefined);
  assert.equal(decodeRegistryAuth(undefined), undefined);
  assert.throws(() => decodeRegistryAuth("!!!"), /X-Registry-Auth/);
});

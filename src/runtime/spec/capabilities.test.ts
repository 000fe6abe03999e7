import { test } from "node:test";
import assert from "node:assert/strict";
import {
  ALL_CAPABILITIES,
  capabilityMask,
  containerCapabilities,
  DEFAULT_CAPABILITIES,
  normalizeCapability,
} from "./capabilities.ts";
import { EngineError } from "../../lib/index.ts";

const host = ALL_CAPABILITIES.filter((c) => c !== "CAP_SYS_RESOURCE");

test("the default set is Docker's 14, mask 00000000a80425fb", () => {
  assert.equal(DEFAULT_CAPABILITIES.length, 14);
  assert.deepEqual(containerCapabilities({ boundingCaps: host }), DEFAULT_CAPABILITIES);
  assert.equal(capabilityMask(DEFAULT_CAPABILITIES).toString(16), "a80425fb");
});

test("names are case-insensitive with or without CAP_", () => {
  assert.equal(normalizeCapability("net_admin"), "CAP_NET_ADMIN");
  assert.equal(normalizeCapability("Cap_Sys_Admin"), "CAP_SYS_ADMIN");
  assert.equal(normalizeCapability("all"), "ALL");
});

test("unknown capability uses Docker's wording", () => {
  assert.throws(
    () => containerCapabilities({ capAdd: ["foo"], boundingCaps: host }),
    (err: unknown) =>
      err instanceof EngineError &&
      err.category === "invalid-argument" &&
      err.message === 'unknown capability: "CAP_FOO"',
  );
});

test("cap-add and cap-drop", () => {
  const caps = containerCapabilities({
    capAdd: ["NET_ADMIN", "chown"],
    capDrop: ["mknod"],
    boundingCaps: host,
  });
  assert.ok(caps.includes("CAP_NET_ADMIN"));
  assert.ok(!caps.includes("CAP_MKNOD"));
  assert.equal(caps.filter((c) => c === "CAP_CHOWN").length, 1);
});

test("cap-drop ALL keeps only the added ones; cap-add ALL minus drops stays in the host set", () => {
  assert.deepEqual(containerCapabilities({ capDrop: ["ALL"], capAdd: ["kill"], boundingCaps: host }), [
    "CAP_KILL",
  ]);
  const all = containerCapabilities({ capAdd: ["ALL"], capDrop: ["sys_admin"], boundingCaps: host });
  assert.ok(!all.includes("CAP_SYS_ADMIN"));
  assert.ok(!all.includes("CAP_SYS_RESOURCE"));
  assert.equal(all.length, host.length - 1);
});

test("privileged means every capability of the host's bounding set", () => {
  assert.deepEqual(containerCapabilities({ privileged: true, capDrop: ["kill"], boundingCaps: host }), host);
});

import assert from "node:assert/strict";
import { test } from "node:test";
import { hostVethName } from "./veth-name.ts";

const id = "0123456789abcdef".repeat(4);
const net = "fedcba9876543210".repeat(4);

test("container and network id prefixes when free, 15 characters", () => {
  const name = hostVethName(id, net, new Set(), () => false);
  assert.equal(name, "veth0123456fedc");
  assert.equal(name.length, 15);
});

test("a name recorded for another endpoint or still on the host is not reused", () => {
  const randoms = ["aaaaaaaaaaa", "bbbbbbbbbbb"];
  const next = (): string => randoms.shift() ?? "ccccccccccc";
  assert.equal(
    hostVethName(id, net, new Set(["veth0123456fedc"]), () => false, next),
    "vethaaaaaaaaaaa",
  );
  const onHost = new Set(["veth0123456fedc", "vethbbbbbbbbbbb"]);
  assert.equal(
    hostVethName(id, net, new Set(), (n) => onHost.has(n), next),
    "vethccccccccccc",
  );
});

import assert from "node:assert/strict";
import { test } from "node:test";
import { resolveHostGateway } from "./host-gateway.ts";

test("resolveHostGateway: only the host-gateway value is replaced", () => {
  assert.deepEqual(resolveHostGateway(["a:host-gateway", "b:1.2.3.4", "c:host-gatewayx"], "10.0.0.1"), [
    "a:10.0.0.1",
    "b:1.2.3.4",
    "c:host-gatewayx",
  ]);
  assert.deepEqual(resolveHostGateway(["a:host-gateway"], undefined), ["a:host-gateway"]);
});

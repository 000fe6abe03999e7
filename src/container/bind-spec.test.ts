import assert from "node:assert/strict";
import { it } from "node:test";
import { parseBind } from "./bind-spec.ts";

it("parses host paths and volume names with their options", () => {
  assert.deepEqual(parseBind("/srv/data:/data"), {
    source: "/srv/data",
    isVolume: false,
    destination: "/data",
    readOnly: false,
  });
  assert.deepEqual(parseBind("cache:/var/cache:ro"), {
    source: "cache",
    isVolume: true,
    destination: "/var/cache",
    readOnly: true,
  });
  assert.deepEqual(parseBind("/x:/y:rw,rshared"), {
    source: "/x",
    isVolume: false,
    destination: "/y",
    readOnly: false,
    propagation: "rshared",
  });
});

it("refuses what Docker refuses", () => {
  for (const bad of ["/only", "a:relative", "/x:/", "/x:/y:bogus", "x:/y:z:extra", "-bad:/y"]) {
    assert.throws(() => parseBind(bad), /invalid volume specification/, bad);
  }
});

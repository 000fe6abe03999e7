import assert from "node:assert/strict";
import { test } from "node:test";
import { extraListFilter, portFilterKeys } from "./container-list-extra-filters.ts";

test("portFilterKeys: a port, a protocol, a range; ':' and bad ranges refused", () => {
  assert.deepEqual(portFilterKeys("publish", "80"), ["80/tcp"]);
  assert.deepEqual(portFilterKeys("expose", "53/UDP"), ["53/udp"]);
  assert.deepEqual(portFilterKeys("publish", "8000-8002/tcp"), ["8000/tcp", "8001/tcp", "8002/tcp"]);
  assert.throws(() => portFilterKeys("publish", "127.0.0.1:80"), /should not contain ':'/);
  assert.throws(() => portFilterKeys("publish", "90-80"), /error while looking up for publish 90-80/);
  assert.throws(() => portFilterKeys("expose", "http"), /error while looking up/);
});

test("extraListFilter: publish counts -P's exposed ports, is-task is never true here", () => {
  const c = { config: { ExposedPorts: { "80/tcp": {} } }, hostConfig: { PublishAllPorts: true } };
  assert.equal(extraListFilter("publish", ["80"])?.(c), true);
  assert.equal(extraListFilter("publish", ["80"])?.({ ...c, hostConfig: {} }), false);
  assert.equal(extraListFilter("is-task", ["true"])?.(c), false);
  assert.equal(extraListFilter("is-task", ["false"])?.(c), true);
  assert.throws(() => extraListFilter("is-task", ["yes"]), /Invalid filter 'is-task=yes'/);
  assert.equal(extraListFilter("name", ["x"]), undefined);
});

import assert from "node:assert/strict";
import { test } from "node:test";
import { containerResolvConf, upstreamNameservers } from "./host-resolv.ts";

test("localhost nameservers are dropped, search and options kept", () => {
  const out = containerResolvConf("nameserver 127.0.0.53\nnameserver 10.0.0.2\nsearch lan\noptions edns0\n");
  assert.equal(out, "nameserver 10.0.0.2\nsearch lan\noptions edns0\n");
});

test("falls back to 8.8.8.8 and 8.8.4.4 when nothing remains", () => {
  assert.equal(containerResolvConf("nameserver 127.0.0.1\n"), "nameserver 8.8.8.8\nnameserver 8.8.4.4\n");
  assert.deepEqual(upstreamNameservers(""), ["8.8.8.8", "8.8.4.4"]);
});

test("an embedded DNS server replaces the nameservers", () => {
  assert.equal(
    containerResolvConf("nameserver 1.1.1.1\nsearch x\n", ["10.9.0.1"]),
    "nameserver 10.9.0.1\nsearch x\n",
  );
});

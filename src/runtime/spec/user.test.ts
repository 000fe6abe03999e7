import { test } from "node:test";
import assert from "node:assert/strict";
import { EngineError } from "../../lib/index.ts";
import { resolveUser } from "./user.ts";

const passwd = `root:x:0:0:root:/root:/bin/sh
daemon:x:1:1:daemon:/usr/sbin:/bin/false
www-data:x:33:33:www-data:/var/www:/bin/false
nobody:x:65534:65534:nobody:/home:/bin/false
`;
const group = `root:x:0:
daemon:x:1:
tty:x:5:
wheel:x:10:root
staff:x:50:www-data,daemon
www-data:x:33:
nogroup:x:65534:
`;

test("no user is root with root's groups and home", () => {
  assert.deepEqual(resolveUser({ passwd, group }), { uid: 0, gid: 0, additionalGids: [10], home: "/root" });
});

test("by name, by uid, with memberships", () => {
  assert.deepEqual(resolveUser({ user: "www-data", passwd, group }), {
    uid: 33,
    gid: 33,
    additionalGids: [50],
    home: "/var/www",
  });
  assert.deepEqual(resolveUser({ user: "1", passwd, group }), {
    uid: 1,
    gid: 1,
    additionalGids: [50],
    home: "/usr/sbin",
  });
});

test("unknown numeric uid runs with gid 0 and home /", () => {
  assert.deepEqual(resolveUser({ user: "1234", passwd, group }), {
    uid: 1234,
    gid: 0,
    additionalGids: [],
    home: "/",
  });
  assert.deepEqual(resolveUser({ user: "1234:5678" }), {
    uid: 1234,
    gid: 5678,
    additionalGids: [],
    home: "/",
  });
});

test("explicit group by name or gid drops implicit memberships", () => {
  assert.deepEqual(resolveUser({ user: "daemon:tty", passwd, group }), {
    uid: 1,
    gid: 5,
    additionalGids: [],
    home: "/usr/sbin",
  });
  assert.equal(resolveUser({ user: "nobody:33", passwd, group }).gid, 33);
});

test("--group-add by name or gid, deduplicated", () => {
  assert.deepEqual(
    resolveUser({ user: "nobody", groupAdd: ["tty", "wheel", "10", "4242"], passwd, group }).additionalGids,
    [5, 10, 4242],
  );
});

test("Docker's errors", () => {
  const fails = (fn: () => unknown, message: string) =>
    assert.throws(fn, (err: unknown) => err instanceof EngineError && err.message === message);
  fails(
    () => resolveUser({ user: "xyz", passwd, group }),
    "unable to find user xyz: no matching entries in passwd file",
  );
  fails(() => resolveUser({ user: "xyz" }), "unable to find user xyz: no matching entries in passwd file");
  fails(
    () => resolveUser({ user: "root:nogrp", passwd, group }),
    "unable to find group nogrp: no matching entries in group file",
  );
  fails(
    () => resolveUser({ groupAdd: ["video"], passwd, group }),
    "Unable to find group video: no matching entries in group file",
  );
  fails(() => resolveUser({ user: "-1" }), "uids and gids must be in range 0-2147483647");
});

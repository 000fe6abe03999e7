import { test } from "node:test";
import assert from "node:assert/strict";
import { EngineError } from "../../lib/index.ts";
import { containerRlimits, parseUlimit } from "./ulimits.ts";
import { specToJson } from "./spec-json.ts";
import type { Spec } from "./types.ts";

test("parses name=soft[:hard] as go-units does", () => {
  assert.deepEqual(parseUlimit("nofile=1024:2048"), { name: "nofile", soft: 1024, hard: 2048 });
  assert.deepEqual(parseUlimit("nproc=512"), { name: "nproc", soft: 512, hard: 512 });
  assert.deepEqual(parseUlimit("core=-1"), { name: "core", soft: Infinity, hard: Infinity });
  assert.deepEqual(parseUlimit("memlock=1024:-1"), { name: "memlock", soft: 1024, hard: Infinity });
});

test("bad ulimits get go-units' messages", () => {
  const fails = (v: string, message: string) =>
    assert.throws(
      () => parseUlimit(v),
      (err: unknown) => err instanceof EngineError && err.message === message,
    );
  fails("nofile", "invalid ulimit argument: nofile");
  fails("files=1", "invalid ulimit type: files");
  fails("nofile=2048:1024", "ulimit soft limit must be less than or equal to hard limit: 2048 > 1024");
  fails("nofile=1:2:3", "too many limit value arguments - 1:2:3, can only have up to two, `soft[:hard]`");
  fails("nofile=abc", 'invalid ulimit value: "abc"');
});

test("default nofile, overridden by the user, clamped to the host's hard limits", () => {
  assert.deepEqual(containerRlimits([]), [{ type: "RLIMIT_NOFILE", hard: 1048576, soft: 1048576 }]);
  assert.deepEqual(containerRlimits([], { nofile: 20000 }), [
    { type: "RLIMIT_NOFILE", hard: 20000, soft: 20000 },
  ]);
  assert.deepEqual(containerRlimits(["nofile=100:200", "nproc=-1", "core=0"], { nproc: 96365 }), [
    { type: "RLIMIT_NOFILE", hard: 200, soft: 100 },
    { type: "RLIMIT_NPROC", hard: 96365, soft: 96365 },
    { type: "RLIMIT_CORE", hard: 0, soft: 0 },
  ]);
});

test("unlimited rlimits serialise as RLIM_INFINITY", () => {
  const spec = { process: { rlimits: containerRlimits(["core=-1"]) } } as unknown as Spec;
  const json = specToJson(spec, 0);
  assert.match(json, /"type":"RLIMIT_CORE","hard":18446744073709551615,"soft":18446744073709551615/);
});

import { test } from "node:test";
import assert from "node:assert/strict";
import { parseDockerfile } from "../build/index.ts";
import { planBuild } from "./build-stage-plan.ts";
import type { BuildOptions } from "./build-types.ts";

const options = (over: Partial<BuildOptions> = {}): BuildOptions => ({
  dockerfile: "Dockerfile",
  tags: [],
  buildArgs: new Map(),
  labels: {},
  target: "",
  noCache: false,
  quiet: false,
  forceRm: false,
  networkMode: "",
  extraHosts: [],
  ulimits: [],
  cacheFrom: [],
  pull: false,
  remove: true,
  platform: "",
  ...over,
});
const schedule = (text: string, over: Partial<BuildOptions> = {}) => {
  const parsed = parseDockerfile(text);
  return planBuild(parsed.root, parsed.escapeToken, options(over));
};

test("only the stages the target needs, dependencies first", () => {
  const s = schedule(
    "FROM busybox AS a\nRUN true\nFROM busybox AS unused\nFROM busybox AS b\nCOPY --from=a /x /x\nFROM b AS c\nRUN --mount=type=bind,from=d,target=/m true\nFROM busybox AS d\n",
    { target: "c" },
  );
  assert.deepEqual(s.order, [0, 2, 4, 3]);
  assert.equal(s.last, 3);
  // Each built stage counts its FROM plus its instructions.
  assert.equal(s.total, 2 + 2 + 1 + 2);
});

test("meta ARGs and --build-arg expand FROM names; platform ARGs are predefined", () => {
  const s = schedule("ARG TAG=1\nARG BASE\nFROM busybox:${TAG}\nFROM ${BASE}\n", {
    buildArgs: new Map([["BASE", "alpine:3"]]),
  });
  assert.deepEqual(s.baseNames, ["busybox:1", "alpine:3"]);
  assert.ok(s.usedBuildArgs.has("BASE"));
  assert.match(s.metaArgs.get("TARGETPLATFORM") ?? "", /^linux\//);
});

test("FROM may only name an earlier stage; COPY --from any", () => {
  const s = schedule("FROM busybox AS a\nFROM a AS b\n");
  assert.equal(s.stageRef("a", 1), 0);
  assert.equal(s.stageRef("b", 1), undefined);
  assert.equal(s.stageRef("0", 1), 0);
  assert.equal(s.stageRefAny("B"), 1);
  assert.equal(s.stageRefAny("busybox"), undefined);
});

test("a missing target and a cycle are refused with Docker's words", () => {
  assert.throws(
    () => schedule("FROM busybox\n", { target: "nope" }),
    /failed to reach build target nope in Dockerfile/,
  );
  assert.throws(
    () => schedule("FROM busybox AS a\nCOPY --from=b /x /x\nFROM busybox AS b\nCOPY --from=a /y /y\n"),
    /circular dependency detected on stage: b/,
  );
});

test("platforms: TARGET* follow --platform, BUILD* the host; FROM --platform expands meta ARGs", () => {
  const s = schedule(
    "FROM --platform=$BUILDPLATFORM busybox AS a\nFROM busybox\nFROM --platform=linux/s390x scratch\n",
    {
      platform: "linux/arm64",
    },
  );
  assert.equal(s.metaArgs.get("TARGETPLATFORM"), "linux/arm64");
  assert.equal(s.metaArgs.get("TARGETVARIANT"), "");
  assert.equal(s.metaArgs.get("TARGETARCH"), "arm64");
  assert.notEqual(s.metaArgs.get("BUILDARCH"), undefined);
  assert.equal(s.platforms[0]?.architecture, s.metaArgs.get("BUILDARCH"));
  assert.equal(s.platforms[1]?.architecture, "arm64");
  assert.equal(s.platforms[2]?.architecture, "s390x");
  assert.equal(schedule("FROM busybox\n").platforms[0], undefined);
});

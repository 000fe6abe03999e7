import { test } from "node:test";
import assert from "node:assert/strict";
import { parseDockerfile } from "./dockerfile-parser.ts";
import { planStages } from "./instructions.ts";

const plan = (text: string) => planStages(parseDockerfile(text).root);
const fails = (text: string, message: RegExp): void => {
  assert.throws(() => plan(text), (e: Error) => message.test(e.message), text);
};

test("stages: meta ARGs, names, flags and commands", () => {
  const p = plan("ARG V=1\nFROM --platform=linux/amd64 busybox:${V} AS Build\nRUN --mount=type=cache,target=/c --mount=type=tmpfs,target=/t true\nFROM build\nCOPY --from=build /a /b\n");
  assert.equal(p.metaArgs.length, 1);
  assert.equal(p.stages.length, 2);
  assert.equal(p.stages[0]?.name, "build");
  assert.equal(p.stages[0]?.platform, "linux/amd64");
  assert.deepEqual(p.stages[0]?.commands[0]?.flags.get("mount"), ["type=cache,target=/c", "type=tmpfs,target=/t"]);
  assert.equal(p.stages[1]?.commands[0]?.flags.get("from")?.[0], "build");
  assert.equal(p.stages[1]?.commands[0]?.line, 5);
});

test("errors name the line as Docker does", () => {
  fails("FROM busybox\nFOO bar", /^dockerfile parse error on line 2: unknown instruction: FOO( \(did you mean from\?\))?$/);
  fails("FROM busybox\nCOPYY a b", /unknown instruction: COPYY \(did you mean copy\?\)/);
  fails("RUN true", /no build stage in current context/);
  fails("FROM a b", /line 1: FROM requires either one or three arguments/);
  fails("FROM busybox\nCOPY --bogus a b", /line 2: unknown flag: bogus/);
  fails("FROM busybox\nCOPY a", /COPY requires at least two arguments/);
  fails("FROM busybox\nWORKDIR", /WORKDIR requires exactly one argument/);
  fails("FROM busybox\nSHELL /bin/sh", /SHELL requires the arguments to be in JSON form/);
  fails("FROM busybox\nHEALTHCHECK FOO x", /Unknown type "FOO" in HEALTHCHECK/);
  fails("FROM busybox\nONBUILD ONBUILD RUN x", /Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed/);
  fails("FROM busybox\nONBUILD FROM x", /FROM isn't allowed as an ONBUILD trigger/);
  fails("FROM a AS x\nFROM b AS x", /duplicate stage name "x"/);
  fails("FROM a AS 1x", /invalid name for build stage/);
  fails("FROM busybox\nCOPY --chown=1 --chown=2 a b", /Duplicate flag specified: chown/);
});

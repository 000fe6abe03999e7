import { test } from "node:test";
import assert from "node:assert/strict";
import { parseDockerfile } from "./dockerfile-parser.ts";
import { parseInstruction } from "./instructions.ts";
import { applyConfigInstruction, declareArgs, expandHeredoc, expandWord, parseGoDuration, runArgEnv, type StageState } from "./step-config.ts";

const inst = (line: string) => {
  const n = parseDockerfile(line).root.children[0];
  assert.ok(n);
  return parseInstruction(n);
};
const fresh = (buildArgs: Record<string, string> = {}): StageState => ({
  config: { Env: ["PATH=/bin"] },
  args: new Map(),
  buildArgs: new Map(Object.entries(buildArgs)),
  usedBuildArgs: new Set(),
  metaArgs: new Map(),
});
const apply = (s: StageState, line: string): string => applyConfigInstruction(s, inst(line), "\\");

test("ENV and LABEL: both forms, quotes, expansion, later values win", () => {
  const s = fresh();
  // Within one ENV line, $A is the value from before the line (reference "ENV").
  assert.equal(apply(s, 'ENV A=1 B="two words" C=${A}x'), "ENV A=1 B=two words C=x");
  apply(s, "ENV A 3 4");
  assert.deepEqual(s.config.Env, ["PATH=/bin", "A=3 4", "B=two words", "C=x"]);
  apply(s, 'LABEL "com.x"="y" z=${B}');
  assert.deepEqual(s.config.Labels, { "com.x": "y", z: "two words" });
});

test("ARG: defaults, --build-arg, ENV shadows ARG, proxies are predefined", () => {
  const s = fresh({ V: "given", HTTP_PROXY: "http://p" });
  const x = (w: string) => expandWord(s, inst("ARG x"), w, "\\");
  declareArgs(s.args, inst("ARG V=default W=w"), s.buildArgs, s.usedBuildArgs, x);
  assert.equal(x("$V-$W-$HTTP_PROXY"), "given-w-http://p");
  assert.ok(s.usedBuildArgs.has("V"));
  apply(s, "ENV W=env");
  assert.equal(x("$W"), "env");
  assert.deepEqual(runArgEnv(s), ["V=given", "HTTP_PROXY=http://p"]);
});

test("WORKDIR is relative to the previous one; EXPOSE ranges; VOLUME; USER; STOPSIGNAL", () => {
  const s = fresh();
  apply(s, "WORKDIR /a");
  apply(s, "WORKDIR b/../c");
  assert.equal(s.config.WorkingDir, "/a/c");
  apply(s, "EXPOSE 80 8000-8001/udp");
  assert.deepEqual(Object.keys(s.config.ExposedPorts ?? {}).sort(), ["80/tcp", "8000/udp", "8001/udp"]);
  apply(s, 'VOLUME ["/v1", "/v2"]');
  assert.deepEqual(s.config.Volumes, { "/v1": {}, "/v2": {} });
  apply(s, "USER app:app");
  assert.equal(s.config.User, "app:app");
  apply(s, "STOPSIGNAL SIGQUIT");
  assert.equal(s.config.StopSignal, "SIGQUIT");
  assert.throws(() => apply(s, "EXPOSE abc"), /invalid containerPort: abc/);
});

test("CMD/ENTRYPOINT/SHELL forms; ENTRYPOINT clears an inherited CMD", () => {
  const s = fresh();
  s.config.Cmd = ["inherited"];
  apply(s, 'SHELL ["/bin/bash", "-c"]');
  apply(s, "ENTRYPOINT run me");
  assert.deepEqual(s.config.Entrypoint, ["/bin/bash", "-c", "run me"]);
  assert.equal(s.config.Cmd, undefined);
  apply(s, 'CMD ["a", "b"]');
  assert.deepEqual(s.config.Cmd, ["a", "b"]);
  apply(s, 'ENTRYPOINT ["x"]');
  assert.deepEqual(s.config.Cmd, ["a", "b"], "a CMD of this stage stays");
});

test("HEALTHCHECK durations and NONE; ONBUILD records the trigger text", () => {
  const s = fresh();
  apply(s, "HEALTHCHECK --interval=1m30s --timeout=500ms --start-period=2s --retries=4 CMD curl -f x");
  assert.deepEqual(s.config.Healthcheck, {
    Test: ["CMD-SHELL", "curl -f x"],
    Interval: 90e9,
    Timeout: 500e6,
    StartPeriod: 2e9,
    Retries: 4,
  });
  apply(s, "HEALTHCHECK NONE");
  assert.deepEqual(s.config.Healthcheck, { Test: ["NONE"] });
  apply(s, "ONBUILD RUN echo hi");
  assert.deepEqual(s.config.OnBuild, ["RUN echo hi"]);
  assert.equal(parseGoDuration("1h2m3.5s"), 3723.5e9);
  assert.throws(() => parseGoDuration("5 s"));
  assert.throws(() => apply(s, "HEALTHCHECK --interval=1us CMD x"), /cannot be less than 1ms/);
});

test("heredoc content expands like a shell heredoc: quotes literal, \\$ escapes", () => {
  const s = fresh();
  apply(s, "ENV NAME=world EMPTY=");
  const i = inst("RUN true");
  assert.equal(
    expandHeredoc(`say "hi $NAME" '\${NAME}' \\$NAME \\\\ \\x \${EMPTY:-dflt} $ end\\\nnext`, s, i, "\\"),
    `say "hi world" 'world' $NAME \\ \\x dflt $ endnext`,
  );
});

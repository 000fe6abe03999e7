import assert from "node:assert/strict";
import { test } from "node:test";
import { execProcessSpec, parseSpecJson } from "./exec-process.ts";
import type { SpecProcess } from "./types.ts";

const caps = ["CAP_CHOWN", "CAP_KILL"];
const container: SpecProcess = {
  terminal: false,
  user: { uid: 0, gid: 0, additionalGids: [10] },
  args: ["sleep", "100"],
  env: ["PATH=/bin", "HOSTNAME=abc", "FOO=1", "HOME=/root"],
  cwd: "/work",
  capabilities: { bounding: caps, effective: caps, permitted: caps, inheritable: [], ambient: [] },
  rlimits: [{ type: "RLIMIT_NOFILE", hard: Infinity, soft: 1024 }],
  noNewPrivileges: true,
  oomScoreAdj: 0,
};
const passwd = "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/home:/bin/false\n";
const group = "root:x:0:\nnogroup:x:65534:\nwheel:x:10:nobody\n";
const all = ["CAP_CHOWN", "CAP_KILL", "CAP_SYS_ADMIN"];

test("exec keeps the container's env, cwd, user, caps, rlimits; -e replaces by name", () => {
  const p = execProcessSpec({ container, cmd: ["id"], env: ["FOO=2", "BAR=3"], allCapabilities: all });
  assert.deepEqual(p.args, ["id"]);
  assert.deepEqual(p.env, ["PATH=/bin", "HOSTNAME=abc", "FOO=2", "HOME=/root", "BAR=3"]);
  assert.equal(p.cwd, "/work");
  assert.deepEqual(p.user, container.user);
  assert.deepEqual(p.capabilities, container.capabilities);
  assert.equal(p.noNewPrivileges, true);
  assert.equal(p.terminal, false);
});

test("exec -u resolves against the container's passwd and moves HOME; -w; -t adds TERM", () => {
  const p = execProcessSpec({
    container,
    cmd: ["sh"],
    user: "nobody",
    workingDir: "/tmp",
    tty: true,
    allCapabilities: all,
    passwd,
    group,
  });
  assert.deepEqual(p.user, { uid: 65534, gid: 65534, additionalGids: [10] });
  assert.ok(p.env.includes("HOME=/home"));
  assert.ok(p.env.includes("TERM=xterm"));
  assert.equal(p.cwd, "/tmp");
  assert.equal(p.terminal, true);
  const keep = execProcessSpec({
    container,
    containerConfigEnv: ["HOME=/root"],
    cmd: ["sh"],
    user: "nobody",
    allCapabilities: all,
    passwd,
    group,
  });
  assert.ok(keep.env.includes("HOME=/root"));
  assert.throws(
    () => execProcessSpec({ container, cmd: ["sh"], user: "nosuch", allCapabilities: all, passwd, group }),
    /no matching entries in passwd file/,
  );
  assert.throws(() => execProcessSpec({ container, cmd: ["sh"], workingDir: "rel", allCapabilities: all }));
});

test("--privileged gets the whole bounding set", () => {
  const p = execProcessSpec({ container, cmd: ["id"], privileged: true, allCapabilities: all });
  assert.deepEqual(p.capabilities?.bounding, all);
  assert.deepEqual(p.capabilities?.effective, all);
});

test("RLIM_INFINITY read back from config.json reaches the exec process", () => {
  const text = '{"process":{"rlimits":[{"type":"RLIMIT_NOFILE","hard":18446744073709551615,"soft":5}]}}';
  const spec = parseSpecJson(text);
  assert.equal(spec.process.rlimits?.[0]?.hard, Infinity);
  const p = execProcessSpec({
    container: { ...container, ...spec.process },
    cmd: ["x"],
    allCapabilities: all,
  });
  assert.deepEqual(p.rlimits, [{ type: "RLIMIT_NOFILE", hard: Infinity, soft: 5 }]);
});

import assert from "node:assert/strict";
import { test } from "node:test";
import { COMMANDS } from "./commands/index.ts";
import { rootHelp } from "./root-help.ts";

test("root help lists every top-level command once, by name, with its first description line", () => {
  const help = rootHelp(COMMANDS, { image: "Manage images", swarm: "Manage Swarm" });
  const listed = [...help.matchAll(/^ {2}([a-z]+) +(.+)$/gm)].map((m) => m[1]);
  const topLevel = new Set(COMMANDS.flatMap((c) => c.paths.filter((p) => p.length === 1).map((p) => p[0])));
  for (const name of topLevel) assert.equal(listed.filter((n) => n === name).length, 1, name);
  for (const name of [
    "exec",
    "build",
    "pull",
    "push",
    "attach",
    "commit",
    "diff",
    "export",
    "login",
    "logout",
  ]) {
    assert.ok(topLevel.has(name), name);
  }
  assert.match(help, /^ {2}login {7}Authenticate to a registry$/m);
  // A management group is listed only when some command lives under it.
  assert.match(help, /Management Commands:\n {2}image {7}Manage images\n/);
  assert.doesNotMatch(help, /swarm/);
});

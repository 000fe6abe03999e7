import { test } from "node:test";
import assert from "node:assert/strict";
import { conmonArgs } from "./conmon-args.ts";

const base = {
  conmon: "/usr/bin/conmon",
  runtimePath: "/usr/sbin/runc",
  runtimeGlobalArgs: [
    "--root=/run/berth/runc",
    "--log=/run/berth/monitor/c1/runtime.log",
    "--log-format=json",
  ],
  execRoot: "/run/berth",
  id: "c1",
  name: "web",
  bundle: "/var/lib/berth/containers/c1",
  logPath: "/var/lib/berth/containers/c1/ctr.log",
  terminal: false,
  stdin: false,
};

test("conmon argv for a detached container without tty", () => {
  assert.deepEqual(conmonArgs(base), [
    "/usr/bin/conmon",
    "--api-version",
    "-c",
    "c1",
    "-u",
    "c1",
    "-r",
    "/usr/sbin/runc",
    "-b",
    "/var/lib/berth/containers/c1",
    "-p",
    "/var/lib/berth/containers/c1/pidfile",
    "-n",
    "web",
    "--exit-dir",
    "/run/berth/exits",
    "--persist-dir",
    "/run/berth/monitor/c1",
    "--socket-dir-path",
    "/run/berth/socket",
    "--full-attach",
    "-l",
    "k8s-file:/var/lib/berth/containers/c1/ctr.log",
    "--log-level",
    "info",
    "--conmon-pidfile",
    "/run/berth/monitor/c1/conmon.pid",
    "--runtime-arg",
    "--root=/run/berth/runc",
    "--runtime-arg",
    "--log=/run/berth/monitor/c1/runtime.log",
    "--runtime-arg",
    "--log-format=json",
  ]);
});

test("tty, stdin and log size add their flags at the end", () => {
  const argv = conmonArgs({ ...base, terminal: true, stdin: true, logSizeMax: 1024 });
  assert.deepEqual(argv.slice(-4), ["--log-size-max", "1024", "-t", "-i"]);
});

test("--leave-stdin-open only with an open stdin", () => {
  assert.deepEqual(conmonArgs({ ...base, stdin: true, leaveStdinOpen: true }).slice(-2), [
    "-i",
    "--leave-stdin-open",
  ]);
  assert.ok(!conmonArgs({ ...base, stdin: false, leaveStdinOpen: true }).includes("--leave-stdin-open"));
});

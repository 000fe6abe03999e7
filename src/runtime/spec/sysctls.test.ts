import { test } from "node:test";
import assert from "node:assert/strict";
import { EngineError } from "../../lib/index.ts";
import { containerSysctls } from "./sysctls.ts";
import { containerNamespaces } from "./namespaces.ts";

test("private netns gets Docker's ping and port sysctls; user values win", () => {
  assert.deepEqual(
    containerSysctls({ "net.ipv4.ip_unprivileged_port_start": "1024", "kernel.shmmax": "1" }, false, "6.1.0"),
    {
      "net.ipv4.ping_group_range": "0 2147483647",
      "net.ipv4.ip_unprivileged_port_start": "1024",
      "kernel.shmmax": "1",
    },
  );
  assert.deepEqual(containerSysctls({}, false, "4.4.0"), { "net.ipv4.ping_group_range": "0 2147483647" });
  assert.deepEqual(containerSysctls({}, true, "6.1.0"), {});
});

test("sysctls that are not namespaced, or net.* with the host network, are refused", () => {
  const refused = (s: Record<string, string>, host: boolean, re: RegExp) =>
    assert.throws(
      () => containerSysctls(s, host, "6.1.0"),
      (err: unknown) =>
        err instanceof EngineError && err.category === "invalid-argument" && re.test(err.message),
    );
  refused(
    { "net.core.somaxconn": "1024" },
    true,
    /^sysctl "net.core.somaxconn" not allowed in host network namespace$/,
  );
  refused({ "vm.swappiness": "1" }, false, /not in a separate kernel namespace/);
  refused({ "kernel.hostname": "x" }, false, /not in a separate kernel namespace/);
});

test("namespaces by network mode and cgroup version", () => {
  assert.deepEqual(
    containerNamespaces("host", 1).map((n) => n.type),
    ["mount", "uts", "pid", "ipc"],
  );
  assert.deepEqual(containerNamespaces("none", 2), [
    { type: "mount" },
    { type: "network" },
    { type: "uts" },
    { type: "pid" },
    { type: "ipc" },
    { type: "cgroup" },
  ]);
  assert.deepEqual(containerNamespaces("/run/netns/x", 1)[1], { type: "network", path: "/run/netns/x" });
});

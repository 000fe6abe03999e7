// The docker SDK for Python (Debian's python3-docker) against berthd: what its users do most.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { describe, test } from "node:test";
import { type TestDaemon } from "../helpers/daemon.ts";
import { useBusyboxDaemon } from "../helpers/use-busybox-daemon.ts";

/** Runs a Python snippet with Debian's python3 (which has python3-docker); argv[1] is the socket. */
function python(daemon: TestDaemon, code: string): { status: number | null; stdout: string; stderr: string } {
  return spawnSync("/usr/bin/python3", ["-c", code, daemon.host], { encoding: "utf8", timeout: 60_000 });
}

describe("docker SDK for Python", () => {
  const daemon = useBusyboxDaemon({ removeContainers: false });

  test("containers.run with remove=True, again and again (removal right after the exit)", () => {
    const r = python(
      daemon,
      [
        "import docker, sys",
        "c = docker.DockerClient(base_url=sys.argv[1])",
        "outs = [c.containers.run('busybox', ['echo', str(i)], remove=True) for i in range(8)]",
        "print(b''.join(outs).decode().split())",
        "print(len(c.containers.list(all=True)))",
      ].join("\n"),
    );
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, "['0', '1', '2', '3', '4', '5', '6', '7']\n0\n");
  });

  test("detached run, logs, wait, remove", () => {
    const r = python(
      daemon,
      [
        "import docker, sys",
        "c = docker.DockerClient(base_url=sys.argv[1])",
        "ctr = c.containers.run('busybox', ['sh', '-c', 'echo out; echo err >&2; exit 3'], detach=True)",
        "print(ctr.wait()['StatusCode'])",
        "print(ctr.logs(stdout=True, stderr=False).decode().strip(), ctr.logs(stdout=False, stderr=True).decode().strip())",
        "ctr.remove()",
      ].join("\n"),
    );
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, "3\nout err\n");
  });
});

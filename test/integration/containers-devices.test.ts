// --device through the real docker CLI: the node appears in the container with the host's
// major/minor, the cgroup rule limits access to the given permissions, and a missing host
// device is refused with Docker's message.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { useBusyboxDaemon } from "../helpers/use-busybox-daemon.ts";

describe("devices", () => {
  const daemon = useBusyboxDaemon();

  it("adds the node with its cgroup permissions", async () => {
    const script = [
      "stat -c '%t:%T %F' /dev/k",
      "dd if=/dev/k of=/dev/null count=0 2>/dev/null && echo read-ok",
      "(echo x > /dev/k) 2>/dev/null || echo write-denied",
    ].join("; ");
    const out = await daemon.docker([
      "run",
      "--rm",
      "--device",
      "/dev/fuse:/dev/k:r",
      "busybox",
      "sh",
      "-c",
      script,
    ]);
    assert.equal(out.code, 0, out.stderr);
    assert.equal(out.stdout, "a:e5 character special file\nread-ok\nwrite-denied\n");
    const without = await daemon.docker(["run", "--rm", "busybox", "test", "-e", "/dev/k"]);
    assert.equal(without.code, 1);
  });

  it("refuses a missing host device", async () => {
    const out = await daemon.docker(["run", "--rm", "--device", "/dev/nope", "busybox", "true"]);
    assert.notEqual(out.code, 0);
    assert.match(
      out.stderr,
      /error gathering device information while adding custom device "\/dev\/nope": no such file or directory/,
    );
  });

  it("privileged containers see the host's devices", async () => {
    const out = await daemon.docker(["run", "--rm", "--privileged", "busybox", "test", "-c", "/dev/kmsg"]);
    assert.equal(out.code, 0, out.stderr);
  });
});

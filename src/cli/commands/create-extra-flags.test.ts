import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseDevice, parseMountFlag } from "./create-extra-flags.ts";

describe("create flags as docker/cli parses them", () => {
  it("--mount", () => {
    assert.deepEqual(parseMountFlag("type=bind,src=/a,dst=/b,ro,bind-propagation=rshared"), {
      Type: "bind",
      Source: "/a",
      Target: "/b",
      ReadOnly: true,
      BindOptions: { Propagation: "rshared" },
    });
    assert.deepEqual(
      parseMountFlag("target=/v,volume-nocopy,volume-opt=type=tmpfs,volume-opt=device=tmpfs"),
      {
        Type: "volume",
        Target: "/v",
        VolumeOptions: { NoCopy: true, DriverConfig: { Options: { type: "tmpfs", device: "tmpfs" } } },
      },
    );
    assert.deepEqual(parseMountFlag("type=tmpfs,destination=/t,tmpfs-size=1m,tmpfs-mode=1770"), {
      Type: "tmpfs",
      Target: "/t",
      TmpfsOptions: { SizeBytes: 1024 * 1024, Mode: 0o1770 },
    });
    assert.throws(() => parseMountFlag("type=bind,src=/a"), /target is required/);
    assert.throws(() => parseMountFlag("type=bind,bogus=1,dst=/x"), /unexpected key 'bogus'/);
  });

  it("--device", () => {
    assert.deepEqual(parseDevice("/dev/fuse"), {
      PathOnHost: "/dev/fuse",
      PathInContainer: "/dev/fuse",
      CgroupPermissions: "rwm",
    });
    assert.deepEqual(parseDevice("/dev/fuse:r"), {
      PathOnHost: "/dev/fuse",
      PathInContainer: "/dev/fuse",
      CgroupPermissions: "r",
    });
    assert.deepEqual(parseDevice("/dev/fuse:/dev/f:rw"), {
      PathOnHost: "/dev/fuse",
      PathInContainer: "/dev/f",
      CgroupPermissions: "rw",
    });
    assert.throws(() => parseDevice("/dev/fuse:/dev/f:x"), /invalid device mode: x/);
  });
});

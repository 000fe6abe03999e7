import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { checkDuplicates, parseMountRequest, parseVolumesFrom } from "./mount-spec.ts";

describe("--mount requests", () => {
  it("refuses what moby refuses, with its words", () => {
    const cases: [object, RegExp][] = [
      [
        { Type: "bind", Target: "/x" },
        /invalid mount config for type "bind": field Source must not be empty/,
      ],
      [
        { Type: "bind", Source: "rel", Target: "/x" },
        /invalid mount path: 'rel' mount path must be absolute/,
      ],
      [{ Type: "tmpfs", Source: "/a", Target: "/x" }, /type "tmpfs": field Source must not be specified/],
      [{ Type: "volume", Target: "/x", BindOptions: {} }, /field BindOptions must not be specified/],
      [{ Type: "nfs", Target: "/x" }, /invalid mount config for type "nfs": mount type unknown/],
      [{ Type: "volume", Target: "x" }, /mount path must be absolute/],
    ];
    for (const [request, message] of cases) assert.throws(() => parseMountRequest(request), message);
  });

  it("plans binds, volumes and tmpfs", () => {
    assert.deepEqual(parseMountRequest({ Type: "bind", Source: "/a", Target: "/b", ReadOnly: true }), {
      type: "bind",
      source: "/a",
      destination: "/b",
      readOnly: true,
      mode: "",
      propagation: "rprivate",
    });
    const tmpfs = parseMountRequest({
      Type: "tmpfs",
      Target: "/t",
      TmpfsOptions: { SizeBytes: 1 << 20, Mode: 0o1770 },
    });
    assert.equal(tmpfs.tmpfsOptions, "size=1024k,mode=1770");
    const anon = parseMountRequest({ Type: "volume", Target: "/v", VolumeOptions: { NoCopy: true } });
    assert.deepEqual([anon.source, anon.noCopy], ["", true]);
  });

  it("volumes-from modes and duplicate mount points", () => {
    assert.deepEqual(parseVolumesFrom("web:ro"), { container: "web", mode: "ro" });
    assert.deepEqual(parseVolumesFrom("web"), { container: "web" });
    assert.throws(() => parseVolumesFrom("web:zz"), /invalid mode/);
    const m = parseMountRequest({ Type: "tmpfs", Target: "/t" });
    assert.throws(() => checkDuplicates([m, { ...m }]), /Duplicate mount point: \/t/);
  });
});

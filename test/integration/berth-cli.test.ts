// The berth client against a real daemon: the image commands, with output compared to what the
// real docker CLI prints for the same daemon.
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { busyboxRootfsTar } from "../helpers/busybox.ts";
import { startDaemon, type TestDaemon } from "../helpers/daemon.ts";

describe("berth CLI", () => {
  let daemon: TestDaemon;
  before(async () => {
    daemon = await startDaemon();
  });
  after(() => daemon.cleanup());

  it("imports a rootfs with --change and a message", async () => {
    const imp = await daemon.berth([
      "import",
      "--change",
      'CMD ["sh"]',
      "-c",
      "ENV GREETING=hello",
      "-m",
      "from the test",
      await busyboxRootfsTar(),
      "box:1",
    ]);
    assert.equal(imp.code, 0, imp.stderr);
    assert.match(imp.stdout, /^sha256:[a-f0-9]{64}\n$/);
    const inspect = await daemon.berth([
      "image",
      "inspect",
      "--format",
      "{{json .Config.Cmd}} {{.Config.Env}}",
      "box:1",
    ]);
    assert.equal(inspect.stdout.trim(), '["sh"] [GREETING=hello]');
    const history = await daemon.berth(["history", "--format", "{{.Comment}}", "box:1"]);
    assert.equal(history.stdout.trim(), "from the test");
  });

  it("prints the same image table as docker", async () => {
    assert.equal((await daemon.berth(["tag", "box:1", "team/box:2"])).code, 0);
    for (const args of [["images"], ["images", "-q"], ["images", "--digests"], ["image", "ls", "team/box"]]) {
      const berth = await daemon.berth(args);
      const docker = await daemon.docker(args);
      assert.equal(berth.code, 0, berth.stderr);
      // The docker CLI groups one image's tags by repository in a Go map, so their order varies.
      const lines = (out: string): string[] => {
        const [header = "", ...rows] = withoutAges(out).split("\n");
        return [header, ...rows.sort()];
      };
      assert.deepEqual(lines(berth.stdout), lines(docker.stdout), args.join(" "));
    }
    const history = [await daemon.berth(["history", "box:1"]), await daemon.docker(["history", "box:1"])];
    assert.equal(withoutAges(history[0]?.stdout ?? ""), withoutAges(history[1]?.stdout ?? ""));
  });

  it("saves to a file and loads it back", async () => {
    const out = join(daemon.dir, "box.tar");
    assert.equal((await daemon.berth(["save", "-o", out, "box:1", "team/box:2"])).code, 0);
    const rmi = await daemon.berth(["rmi", "-f", "box:1", "team/box:2"]);
    assert.equal(rmi.code, 0, rmi.stderr);
    assert.match(rmi.stdout, /Untagged: box:1\nUntagged: team\/box:2\nDeleted: sha256:/);
    const load = await daemon.berth(["load", "-i", out]);
    assert.equal(load.code, 0, load.stderr);
    assert.equal(load.stdout, "Loaded image: box:1\nLoaded image: team/box:2\n");
  });

  it("reports daemon errors and usage errors like docker", async () => {
    const missing = await daemon.berth(["rmi", "nosuch"]);
    assert.equal(missing.code, 1);
    assert.equal(missing.stderr, "Error response from daemon: No such image: nosuch:latest\n");
    const badFlag = await daemon.berth(["images", "--bogus"]);
    assert.equal(badFlag.code, 125);
    assert.match(badFlag.stderr, /unknown flag: --bogus/);
    const badCommand = await daemon.berth(["frobnicate"]);
    assert.equal(badCommand.code, 1);
    assert.match(badCommand.stderr, /'frobnicate' is not a berth command/);
  });

  it("prunes and reports disk usage", async () => {
    const prune = await daemon.berth(["image", "prune", "-a", "-f"]);
    assert.equal(prune.code, 0, prune.stderr);
    assert.match(prune.stdout, /^Deleted Images:\nuntagged: box:1\n/);
    assert.match(prune.stdout, /Total reclaimed space: \d/);
    const df = await daemon.berth(["system", "df"]);
    assert.equal(df.code, 0, df.stderr);
    assert.match(df.stdout, /^TYPE\s+TOTAL\s+ACTIVE\s+SIZE\s+RECLAIMABLE\nImages\s+0\s+0\s+0B\s+0B\n/);
  });
});

/** The two CLIs run a moment apart: "Less than a second ago" may become "1 second ago" (and widen its column). */
function withoutAges(text: string): string {
  return text
    .replace(/(Less than a second|About a minute|\d+ seconds?) ago/g, "N ago")
    .replace(/ {2,}/g, "  ");
}

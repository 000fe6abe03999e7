import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { before, describe, it } from "node:test";
import type { StartDaemonOptions, TestDaemon } from "./daemon.ts";
import { runCommand } from "./run-command.ts";
import { useBusyboxDaemon } from "./use-busybox-daemon.ts";

const FAKE = fileURLToPath(new URL("./fake-berthd.ts", import.meta.url));
const FIXTURE = fileURLToPath(new URL("./use-busybox-daemon.fixture.ts", import.meta.url));
const HAVE_BUSYBOX = existsSync("/bin/busybox");
const start: StartDaemonOptions = { entry: FAKE, nodeArgs: ["--import", "tsx"], startTimeoutMs: 20_000 };

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

// The fake daemon answers 404 to GET /containers/json and logs it: that is how these tests see
// whether the after hook listed containers (docker ps -aq) before shutting the daemon down.
const listedContainers = (logs: string): number => logs.search(/404 GET \S*\/containers\/json/);
const shutDown = (logs: string): number => logs.indexOf("fake-berthd: shutting down");

describe("useBusyboxDaemon", { skip: !HAVE_BUSYBOX && "no /bin/busybox (busybox-static)" }, () => {
  let daemon: TestDaemon;
  let kept: TestDaemon;
  let touchedEarly: unknown;
  let seenInBefore: string | undefined;
  let seen: { dir: string; pid: number } | undefined;

  describe("a suite using it", () => {
    daemon = useBusyboxDaemon({ start });
    try {
      touchedEarly = daemon.dir;
    } catch (err) {
      touchedEarly = err;
    }
    // Registered after the helper's hook, so it runs once the daemon has started.
    before(() => {
      seenInBefore = daemon.dir;
    });

    it("throws when touched before its before hook ran", () => {
      assert.match(String(touchedEarly), /before its before\(\) hook ran/);
    });

    it("gives the started daemon to later hooks and tests", async () => {
      assert.equal(seenInBefore, daemon.dir);
      assert.ok(existsSync(daemon.root));
      assert.ok("docker" in daemon);
      assert.equal((await daemon.request("GET", "/_ping")).text(), "OK");
      assert.match(daemon.logs(), /listening on/);
      seen = { dir: daemon.dir, pid: daemon.pid };
    });
  });

  it("listed (to remove) the containers, then cleaned the daemon up, after that suite", () => {
    assert.ok(seen);
    assert.equal(existsSync(seen.dir), false);
    assert.equal(alive(seen.pid), false);
    const logs = daemon.logs();
    assert.ok(listedContainers(logs) >= 0, logs);
    assert.ok(listedContainers(logs) < shutDown(logs), logs);
  });

  describe("a suite with removeContainers: false", () => {
    kept = useBusyboxDaemon({ start, removeContainers: false });
    it("has its daemon", () => assert.ok(existsSync(kept.dir)));
  });

  it("cleaned that daemon up without listing containers", () => {
    assert.equal(existsSync(kept.dir), false);
    assert.equal(listedContainers(kept.logs()), -1);
    assert.ok(shutDown(kept.logs()) >= 0);
  });

  it("still cleans up when a test of the suite fails", async () => {
    // Without the runner's NODE_TEST_CONTEXT the child reports (and exits) as a run of its own.
    const { NODE_TEST_CONTEXT: _, ...env } = process.env;
    const r = await runCommand(process.execPath, ["--import", "tsx", "--test", FIXTURE], { env });
    assert.notEqual(r.code, 0, r.stdout);
    assert.match(r.stdout, /failing on purpose/);
    const line = /fixture-daemon (\{.*\})/.exec(r.stdout)?.[1];
    assert.ok(line, r.stdout);
    const fixture = JSON.parse(line) as { dir: string; pid: number };
    assert.equal(existsSync(fixture.dir), false);
    assert.equal(alive(fixture.pid), false);
  });
});

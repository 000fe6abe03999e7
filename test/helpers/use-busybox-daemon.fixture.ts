// Run by use-busybox-daemon.test.ts as its own `node --test` process: a suite whose test fails.
// It prints the daemon's dir and pid so the parent can check the after hook still cleaned up.
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { useBusyboxDaemon } from "./use-busybox-daemon.ts";

const FAKE = fileURLToPath(new URL("./fake-berthd.ts", import.meta.url));

describe("a suite whose test fails", () => {
  const daemon = useBusyboxDaemon({
    start: { entry: FAKE, nodeArgs: ["--import", "tsx"], startTimeoutMs: 20_000 },
  });
  it("fails after reporting its daemon", () => {
    console.log(`fixture-daemon ${JSON.stringify({ dir: daemon.dir, pid: daemon.pid })}`);
    throw new Error("failing on purpose");
  });
});

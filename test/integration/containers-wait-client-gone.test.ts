// POST /containers/{id}/wait whose client goes away: `docker run -d` registers a next-exit wait
// before the start and exits right after, so berthd must drop that wait at once instead of
// holding the closed connection until the container exits (one per detached container).
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { startBusyboxDaemon } from "../helpers/busybox.ts";
import type { TestDaemon } from "../helpers/daemon.ts";

/** Polls `check` every 50 ms until it returns true or `ms` pass. */
async function waitFor(check: () => boolean | Promise<boolean>, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return check();
}

/** The daemon's debug "request" lines (one per finished request) for `path`. */
function finishedRequests(daemon: TestDaemon, path: string): number {
  return daemon
    .logs()
    .split("\n")
    .filter((line) => line.includes('"msg":"request"') && line.includes(`"path":"${path}"`)).length;
}

describe("wait whose client went away", () => {
  let daemon: TestDaemon;
  before(async () => {
    daemon = await startBusyboxDaemon();
  });
  after(async () => {
    await daemon.docker(["rm", "-f", "waited"]);
    await daemon.cleanup();
  });

  it("is dropped at once; a connected waiter still gets the exit code", async () => {
    const run = await daemon.docker(["run", "-d", "--name", "waited", "busybox", "sleep", "1000"]);
    assert.equal(run.code, 0, run.stderr);
    const id = run.stdout.trim();
    const path = `/v1.47/containers/${id}/wait`;

    const gone = await daemon.stream("POST", `${path}?condition=next-exit`);
    assert.equal(gone.status, 200);
    const kept = await daemon.stream("POST", `${path}?condition=next-exit`);
    assert.equal(kept.status, 200);
    const keptBody = new Promise<string>((resolve, reject) => {
      let text = "";
      kept.response.setEncoding("utf8");
      kept.response.on("data", (chunk: string) => (text += chunk));
      kept.response.on("end", () => resolve(text));
      kept.response.on("error", reject);
    });

    gone.response.destroy();
    assert.ok(
      await waitFor(() => finishedRequests(daemon, path) === 1, 10_000),
      "the abandoned wait's request finishes while the container still runs",
    );
    const state = await daemon.request("GET", `/v1.47/containers/${id}/json`);
    assert.equal(state.json<{ State: { Running: boolean } }>().State.Running, true);

    const kill = await daemon.docker(["kill", "waited"]);
    assert.equal(kill.code, 0, kill.stderr);
    assert.deepEqual(JSON.parse(await keptBody), { StatusCode: 137 });
  });
});

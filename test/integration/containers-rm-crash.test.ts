// `docker run --rm` is answered once the container's row is gone; its release (runc state and
// cgroups, rootfs mount, conmon's files, bundle, netns and veth) and file deletion finish after.
// A daemon killed in either window must finish the job at its next start, leaving no ghost in
// `docker ps -a` and nothing on the host. The windows are made exactly: kill -9 the daemon, let
// the container die, then edit the metadata database as the daemon would have left it. Also: a
// start failing while the veth is configured (beside `runc create`) leaves nothing either, nor
// does a daemon stopped right after answering (it finishes the cleanup before it exits).
import assert from "node:assert/strict";
import { existsSync, readdirSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { describe, it } from "node:test";
import Database from "better-sqlite3";
import { type TestDaemon } from "../helpers/daemon.ts";
import { runCommand } from "../helpers/run-command.ts";
import { conmonsOf, mountsUnder, until } from "../helpers/leftovers.ts";
import { useBusyboxDaemon } from "../helpers/use-busybox-daemon.ts";

async function vethsOn(daemon: TestDaemon): Promise<string[]> {
  const out = await runCommand("ip", ["-o", "link", "show", "master", daemon.network.bridge]);
  return out.stdout.split("\n").filter(Boolean);
}

/** Where a container keeps host-side state, by id: none may be left. */
function leftovers(daemon: TestDaemon, id: string): string[] {
  return [
    join(daemon.root, "containers", id),
    join(daemon.execRoot, "bundles", id),
    join(daemon.execRoot, "monitor", id),
    join(daemon.execRoot, "exits", id),
    join(daemon.execRoot, "runc", id),
    join(daemon.execRoot, "netns", id),
  ].filter((p) => existsSync(p));
}

describe("--rm across a daemon crash", () => {
  const daemon = useBusyboxDaemon();

  /** A `--rm` container whose process died while the daemon was down (kill -9). */
  async function diedWhileDown(name: string): Promise<string> {
    const id = (
      await daemon.docker(["run", "-d", "--rm", "--name", name, "busybox", "sleep", "1000"])
    ).stdout.trim();
    assert.match(id, /^[0-9a-f]{64}$/);
    const pid = Number((await daemon.docker(["inspect", "-f", "{{.State.Pid}}", id])).stdout.trim());
    await daemon.kill9();
    process.kill(pid, "SIGKILL");
    await until("its conmon to record the exit", () => conmonsOf(daemon) === 0);
    return id;
  }

  function editDb(sql: string, id: string): void {
    const db = new Database(join(daemon.root, "metadata.db"));
    try {
      assert.equal(db.prepare(sql).run(id).changes, 1);
    } finally {
      db.close();
    }
  }

  async function assertNothingLeft(id: string): Promise<void> {
    assert.equal((await daemon.docker(["ps", "-aq"])).stdout, "");
    await until("its files gone", () => leftovers(daemon, id).length === 0);
    assert.deepEqual(mountsUnder(join(daemon.root, "containers")), []);
    await until("its veth gone", async () => (await vethsOn(daemon)).length === 0);
    const members = await daemon.docker(["network", "inspect", "-f", "{{len .Containers}}", "bridge"]);
    assert.equal(members.stdout.trim(), "0");
  }

  it("a row deleted before the release ran: the release and the file deletion finish at start", async () => {
    const id = await diedWhileDown("released-later");
    // The daemon died right after answering `docker run --rm`: row gone, nothing released.
    editDb("DELETE FROM containers WHERE id = ?", id);
    assert.ok(leftovers(daemon, id).length >= 4, leftovers(daemon, id).join(" "));
    await daemon.restart();
    await assertNothingLeft(id);
  });

  it("an exit recorded but the removal not done: removed at start, no ghost in ps -a", async () => {
    const id = await diedWhileDown("removed-later");
    // The daemon died between recording the exit and deleting the row.
    editDb(
      `UPDATE containers SET state = json_set(state, '$.Status', 'exited', '$.Running', json('false'),
         '$.Pid', 0, '$.ExitCode', 137) WHERE id = ?`,
      id,
    );
    await daemon.restart();
    await assertNothingLeft(id);
  });

  it("a start that fails while the veth is being configured leaves no veth, netns or row", async () => {
    // runc create fails (no such executable) while the namespace's interfaces are being set up.
    const run = await daemon.docker(["run", "--rm", "busybox", "/no/such/binary"]);
    assert.equal(run.code, 127, run.stderr);
    assert.equal((await daemon.docker(["ps", "-aq"])).stdout, "");
    await until("its veth gone", async () => (await vethsOn(daemon)).length === 0);
    assert.deepEqual(readdirSync(join(daemon.execRoot, "netns")), []);
    assert.deepEqual(mountsUnder(join(daemon.root, "containers")), []);
  });

  it("right after `docker run --rm`, its named volume can be removed and its host port reused", async () => {
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, "127.0.0.1", r));
    const port = (probe.address() as { port: number }).port;
    await new Promise<void>((r) => probe.close(() => r()));
    assert.equal((await daemon.docker(["volume", "create", "kept"])).code, 0);
    for (let i = 0; i < 2; i++) {
      const run = await daemon.docker([
        "run",
        "--rm",
        "-v",
        "kept:/d",
        "-p",
        `127.0.0.1:${port}:80`,
        "busybox",
        "true",
      ]);
      assert.equal(run.code, 0, run.stderr);
    }
    const rm = await daemon.docker(["volume", "rm", "kept"]);
    assert.equal(rm.code, 0, rm.stderr);
  });

  it("a daemon stopped right after `docker run --rm` finishes the cleanup first", async () => {
    const runs = await Promise.all([1, 2, 3].map(() => daemon.docker(["run", "--rm", "busybox", "true"])));
    for (const run of runs) assert.equal(run.code, 0, run.stderr);
    await daemon.stop();
    for (const dir of ["netns", "bundles", "runc", "monitor"]) {
      assert.deepEqual(readdirSync(join(daemon.execRoot, dir)), [], dir);
    }
    assert.deepEqual(readdirSync(join(daemon.root, "containers")), []);
    assert.deepEqual(mountsUnder(join(daemon.root, "containers")), []);
    await until("veths gone", async () => (await vethsOn(daemon)).length === 0);
    await daemon.restart();
  });

  it("a network removed right after a --rm container on it exits", async () => {
    assert.equal((await daemon.docker(["network", "create", "quick"])).code, 0);
    const run = await daemon.docker(["run", "--rm", "--network", "quick", "busybox", "true"]);
    assert.equal(run.code, 0, run.stderr);
    const rm = await daemon.docker(["network", "rm", "quick"]);
    assert.equal(rm.code, 0, rm.stderr);
  });
});

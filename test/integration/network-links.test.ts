// Legacy links on the default bridge through the real docker CLI: `--link target:alias` gives
// the linking container an /etc/hosts line and <ALIAS>_* variables and reaches the target by
// alias; inspect shows `/target:/source/alias`; bad links get dockerd's messages.
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { useBusyboxDaemon } from "../helpers/use-busybox-daemon.ts";

describe("legacy --link", () => {
  const daemon = useBusyboxDaemon();
  let dbIp: string;
  let dbId: string;

  before(async () => {
    const db = await daemon.docker([
      "run",
      "-d",
      "--name",
      "db",
      "-e",
      "SECRET=s3",
      "--expose",
      "8080",
      "busybox",
      "sh",
      "-c",
      "echo linked-ok > /tmp/index.html; exec httpd -f -p 8080 -h /tmp",
    ]);
    assert.equal(db.code, 0, db.stderr);
    dbId = db.stdout.trim();
    dbIp = (await daemon.docker(["inspect", "-f", "{{.NetworkSettings.IPAddress}}", "db"])).stdout.trim();
    assert.match(dbIp, /^\d+\.\d+\.\d+\.\d+$/);
  });

  it("reaches the target by alias, with its /etc/hosts line and variables", async () => {
    const run = await daemon.docker([
      "run",
      "--rm",
      "--name",
      "app",
      "--link",
      "db:database",
      "busybox",
      "sh",
      "-c",
      "grep database /etc/hosts; echo $DATABASE_NAME $DATABASE_PORT $DATABASE_ENV_SECRET; wget -qO- http://database:8080/index.html",
    ]);
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(run.stdout.split("\n"), [
      `${dbIp}\tdatabase ${dbId.slice(0, 12)} db`,
      `/app/database tcp://${dbIp}:8080 s3`,
      "linked-ok",
      "",
    ]);
  });

  it("shows the link in inspect as /target:/source/alias", async () => {
    const create = await daemon.docker(["create", "--name", "app2", "--link", "db", "busybox", "true"]);
    assert.equal(create.code, 0, create.stderr);
    const links = await daemon.docker(["inspect", "-f", "{{json .HostConfig.Links}}", "app2"]);
    assert.equal(links.stdout.trim(), '["/db:/app2/db"]');
    const start = await daemon.docker(["start", "-a", "app2"]);
    assert.equal(start.code, 0, start.stderr);
  });

  it("refuses a missing target, host networking, and a stopped target", async () => {
    const missing = await daemon.docker(["create", "--link", "nosuch:x", "busybox", "true"]);
    assert.notEqual(missing.code, 0);
    assert.match(missing.stderr, /could not get container for nosuch/);
    assert.doesNotMatch(missing.stderr, /Unable to find image/);
    const host = await daemon.docker(["create", "--network", "host", "--link", "db", "busybox", "true"]);
    assert.match(host.stderr, /conflicting options: host type networking can't be used with links/);

    assert.equal((await daemon.docker(["stop", "-t", "0", "db"])).code, 0);
    const stopped = await daemon.docker(["start", "app2"]);
    assert.notEqual(stopped.code, 0);
    assert.match(stopped.stderr, /Cannot link to a non running container: \/db AS \/app2\/db/);
    const state = await daemon.docker(["inspect", "-f", "{{.State.Status}}", "app2"]);
    assert.equal(state.stdout.trim(), "exited");
    // Once the target runs again, so does the link (with the target's new address).
    assert.equal((await daemon.docker(["start", "db"])).code, 0);
    const again = await daemon.docker(["start", "-a", "app2"]);
    assert.equal(again.code, 0, again.stderr);
  });
});

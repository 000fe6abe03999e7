// --log-driver and --log-opt through the real docker CLI: Docker's refusals, `none` (output
// still attached, `docker logs` refused), and user rotation limits applied to the stored log.
import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { useBusyboxDaemon } from "../helpers/use-busybox-daemon.ts";

describe("log drivers", () => {
  const daemon = useBusyboxDaemon();

  it("refuses unknown drivers and options as Docker does, creating nothing", async () => {
    const cases: [string[], RegExp][] = [
      [["--log-driver", "syslogx"], /logger: no log driver named 'syslogx' is registered/],
      [["--log-opt", "bogus=1"], /unknown log opt 'bogus' for json-file log driver/],
      [["--log-opt", "max-size=lots"], /invalid size: 'lots'/],
      [["--log-opt", "max-file=0"], /max-file cannot be less than 1/],
    ];
    for (const [flags, message] of cases) {
      const out = await daemon.docker(["run", "--rm", ...flags, "busybox", "true"]);
      assert.equal(out.code, 125, flags.join(" "));
      assert.match(out.stderr, message);
    }
    // The docker CLI itself refuses options with `none`; the API answers as the daemon does.
    const api = await daemon.request("POST", "/containers/create", {
      Image: "busybox",
      Cmd: ["true"],
      HostConfig: { LogConfig: { Type: "none", Config: { "max-size": "1m" } } },
    });
    assert.equal(api.status, 400);
    assert.match(String(api.body), /unknown log opt 'max-size' for none log driver/);
    assert.equal((await daemon.docker(["ps", "-aq"])).stdout, "");
  });

  it("none: output still reaches an attached client, docker logs is refused", async () => {
    const out = await daemon.docker([
      "run",
      "--name",
      "quiet",
      "--log-driver",
      "none",
      "busybox",
      "echo",
      "hello",
    ]);
    assert.equal(out.code, 0);
    assert.equal(out.stdout, "hello\n");
    const logs = await daemon.docker(["logs", "quiet"]);
    assert.notEqual(logs.code, 0);
    assert.match(logs.stderr, /configured logging driver does not support reading/);
    const cfg = await daemon.docker(["inspect", "--format", "{{json .HostConfig.LogConfig}}", "quiet"]);
    assert.equal(cfg.stdout.trim(), '{"Type":"none","Config":{}}');
  });

  it("local and k8s-file with max-size/max-file keep the last output readable and the files bounded", async () => {
    const run = await daemon.docker([
      "run",
      "-d",
      "--name",
      "rot",
      "--log-driver",
      "local",
      "--log-opt",
      "max-size=20k",
      "--log-opt",
      "max-file=2",
      "busybox",
      "sh",
      "-c",
      "i=0; while [ $i -lt 3000 ]; do echo line-$i; i=$((i+1)); [ $((i % 200)) = 0 ] && sleep 0.05; done",
    ]);
    assert.equal(run.code, 0, run.stderr);
    const id = run.stdout.trim();
    assert.equal((await daemon.docker(["wait", "rot"])).stdout.trim(), "0");
    const tail = await daemon.docker(["logs", "--tail", "1", "rot"]);
    assert.equal(tail.stdout, "line-2999\n");
    const logFiles = readdirSync(join(daemon.root, "containers", id)).filter((f) =>
      f.startsWith("container.log"),
    );
    assert.ok(logFiles.length <= 2, logFiles.join(" "));
    const cfg = await daemon.docker(["inspect", "--format", "{{json .HostConfig.LogConfig}}", "rot"]);
    assert.equal(cfg.stdout.trim(), '{"Type":"local","Config":{"max-file":"2","max-size":"20k"}}');

    const k8s = await daemon.docker([
      "run",
      "--name",
      "k8s",
      "--log-driver",
      "k8s-file",
      "busybox",
      "echo",
      "k",
    ]);
    assert.equal(k8s.code, 0, k8s.stderr);
    assert.equal((await daemon.docker(["logs", "k8s"])).stdout, "k\n");
  });
});

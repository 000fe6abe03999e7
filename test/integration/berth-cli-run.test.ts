// berth run runs from a bundle of its own (dist/berth-run.cjs), picked by bin/berth from the
// command word after the global flags; it asks for the attach stream and the wait at once and
// exits as soon as its output is written. Checked against the real docker CLI on the same daemon:
// output on the right stream, exit codes, --rm removal, -d printing the ID, and the errors of a
// failed create or start (docker's wording, exit status 125/126/127, no hang).
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { describe, it } from "node:test";
import { removeAllContainers } from "../helpers/busybox.ts";
import { BERTH } from "../helpers/daemon.ts";
import { useBusyboxDaemon } from "../helpers/use-busybox-daemon.ts";

describe("berth run", () => {
  const daemon = useBusyboxDaemon();

  const containers = async (): Promise<string> => (await daemon.docker(["ps", "-aq"])).stdout;

  it("is reached as run and container run, after the global flags; keeps stdout and stderr apart", async () => {
    for (const args of [
      ["run", "--rm", "busybox", "sh", "-c", "echo out; echo err >&2; exit 6"],
      ["container", "run", "--rm", "busybox", "sh", "-c", "echo out; echo err >&2; exit 6"],
      [
        "-D",
        "-H",
        daemon.host,
        "-l",
        "debug",
        "run",
        "--rm",
        "busybox",
        "sh",
        "-c",
        "echo out; echo err >&2; exit 6",
      ],
      [`--host=${daemon.host}`, "run", "--rm", "busybox", "sh", "-c", "echo out; echo err >&2; exit 6"],
    ]) {
      const r = await daemon.berth(args);
      assert.deepEqual([r.code, r.stdout, r.stderr], [6, "out\n", "err\n"], args.join(" "));
    }
    assert.equal(await containers(), "", "--rm removed every container");
  });

  it("gives the same output and exit code as docker run, with and without --rm", async () => {
    const script = "seq 1 2000; echo done >&2; exit 3";
    for (const rm of [["--rm"], []]) {
      const berth = await daemon.berth(["run", ...rm, "busybox", "sh", "-c", script]);
      const docker = await daemon.docker(["run", ...rm, "busybox", "sh", "-c", script]);
      assert.deepEqual([berth.code, berth.stdout, berth.stderr], [docker.code, docker.stdout, docker.stderr]);
      assert.equal(berth.code, 3);
    }
    // Without --rm, both exited containers are still there.
    assert.equal((await containers()).trim().split("\n").length, 2);
    await removeAllContainers(daemon);
  });

  it("-d prints the ID and leaves the container running", async () => {
    const r = await daemon.berth(["run", "-d", "--name", "bg", "busybox", "sleep", "600"]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^[0-9a-f]{64}\n$/);
    const inspect = await daemon.docker(["inspect", "-f", "{{.Id}} {{.State.Running}}", "bg"]);
    assert.equal(inspect.stdout, `${r.stdout.trim()} true\n`);
    await removeAllContainers(daemon);
  });

  it("reports a missing image and a failed start with docker's wording and status", async () => {
    const help = (cli: string): string => `\n\nRun '${cli} run --help' for more information\n`;
    const missing = await daemon.berth(["run", "--rm", "--pull", "never", "nosuch", "true"]);
    const dMissing = await daemon.docker(["run", "--rm", "--pull", "never", "nosuch", "true"]);
    assert.equal(missing.code, 125);
    assert.equal(dMissing.code, 125);
    assert.equal(
      missing.stderr,
      `berth: Error response from daemon: No such image: nosuch:latest${help("berth")}`,
    );
    assert.equal(missing.stderr.replace(/^berth/, "docker").replace("'berth", "'docker"), dMissing.stderr);
    // Not found (127) and not executable (126): the daemon removes the --rm container, berth exits.
    for (const [cmd, status] of [
      ["nosuchcmd", 127],
      ["/etc", 126],
    ] as const) {
      for (const detach of [[], ["-d"]]) {
        const berth = await daemon.berth(["run", "--rm", ...detach, "busybox", cmd]);
        const docker = await daemon.docker(["run", "--rm", ...detach, "busybox", cmd]);
        assert.deepEqual(
          [berth.code, docker.code],
          [status, status],
          `${cmd} ${detach.join("")}: ${berth.stderr}`,
        );
        assert.match(berth.stderr, /^berth: Error response from daemon: .*runc create failed/);
        assert.ok(berth.stderr.endsWith(help("berth")), berth.stderr);
        // -d: the ID comes first, as the docker CLI prints it.
        assert.equal(berth.stdout.length, detach.length === 0 ? 0 : 65);
      }
    }
    assert.equal(await containers(), "");
  });

  it("gives help and usage errors as the whole CLI, and a daemon that is not there with status 125", async () => {
    const help = await daemon.berth(["run", "--help"]);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /^Usage:\s+berth run \[OPTIONS\] IMAGE \[COMMAND\] \[ARG\.\.\.\]$/m);
    const flag = await daemon.berth(["run", "--nope", "busybox", "true"]);
    assert.equal(flag.code, 125);
    assert.match(flag.stderr, /unknown flag: --nope/);
    const down = spawnSync(
      process.execPath,
      [BERTH, "-H", "unix:///nonexistent/b.sock", "run", "busybox", "true"],
      {
        encoding: "utf8",
      },
    );
    assert.equal(down.status, 125);
    assert.match(
      down.stderr,
      /^berth: Cannot connect to the berth daemon at unix:\/\/\/nonexistent\/b\.sock\./,
    );
  });
});

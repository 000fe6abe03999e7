// berth exec runs from a bundle of its own (dist/berth-exec.cjs), picked by bin/berth from the
// command word after the global flags, and talks HTTP through src/client/unix-http.ts: the ways
// in (exec, container exec, after -H/-D/-l), help and usage errors as the full CLI gives them,
// daemon errors, large piped stdin, and -it on a real pseudo-terminal.
import assert from "node:assert/strict";
import { spawnSync, type SpawnSyncReturns } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { before, describe, it } from "node:test";
import { BERTH } from "../helpers/daemon.ts";
import { onTerminal } from "../helpers/terminal-session.ts";
import { useBusyboxDaemon } from "../helpers/use-busybox-daemon.ts";

describe("berth exec", () => {
  const daemon = useBusyboxDaemon();
  before(async () => {
    const run = await daemon.docker(["run", "-d", "--name", "bx", "busybox", "sleep", "100000"]);
    assert.equal(run.code, 0, run.stderr);
  });

  it("is reached as exec and container exec, after the global flags", async () => {
    for (const args of [
      ["exec", "bx", "sh", "-c", "echo $0 ok; exit 6"],
      ["container", "exec", "bx", "sh", "-c", "echo $0 ok; exit 6"],
      ["-D", "-H", daemon.host, "-l", "debug", "exec", "bx", "sh", "-c", "echo $0 ok; exit 6"],
      [`--host=${daemon.host}`, "container", "exec", "bx", "sh", "-c", "echo $0 ok; exit 6"],
    ]) {
      const r = await daemon.berth(args);
      assert.deepEqual([r.code, r.stdout, r.stderr], [6, "sh ok\n", ""], args.join(" "));
    }
  });

  it("gives the same help, usage errors and daemon errors as the whole CLI", async () => {
    const help = await daemon.berth(["exec", "--help"]);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /^Usage:\s+berth exec \[OPTIONS\] CONTAINER COMMAND \[ARG\.\.\.\]$/m);
    assert.match(help.stdout, /--detach-keys string/);
    const few = await daemon.berth(["exec", "bx"]);
    assert.equal(few.code, 1);
    assert.match(few.stderr, /'berth exec' requires at least 2 arguments/);
    const flag = await daemon.berth(["exec", "--nope", "bx", "true"]);
    assert.equal(flag.code, 125);
    assert.match(flag.stderr, /unknown flag: --nope/);
    const missing = await daemon.berth(["exec", "nosuch", "true"]);
    assert.equal(missing.code, 1);
    assert.equal(missing.stderr, "Error response from daemon: No such container: nosuch\n");
    // `-v` before the command is berth's own flag: the whole CLI answers.
    assert.match((await daemon.berth(["-v", "exec", "bx", "true"])).stdout, /^berth version /);
    const down = spawnSync(
      process.execPath,
      [BERTH, "-H", "unix:///nonexistent/b.sock", "exec", "bx", "true"],
      {
        encoding: "utf8",
      },
    );
    assert.equal(down.status, 1);
    assert.match(down.stderr, /^Cannot connect to the berth daemon at unix:\/\/\/nonexistent\/b\.sock\./);
  });

  it("reads --env-file itself when started through its shebang (node's own options end at --)", async () => {
    const env = join(daemon.dir, "exec.env");
    writeFileSync(env, "GREETING=from the file\n");
    const through = (file: string): SpawnSyncReturns<string> =>
      spawnSync(BERTH, ["-H", daemon.host, "exec", "--env-file", file, "bx", "sh", "-c", "echo $GREETING"], {
        encoding: "utf8",
      });
    const ok = through(env);
    assert.deepEqual([ok.status, ok.stdout], [0, "from the file\n"], ok.stderr);
    const missing = through(join(daemon.dir, "missing.env"));
    assert.equal(missing.status, 125);
    assert.match(missing.stderr, /^open .*missing\.env: no such file or directory/);
  });

  it("pipes large stdin and keeps output apart and whole", async () => {
    const big = "0123456789abcdef".repeat(64 * 1024); // 1 MiB
    const wc = await daemon.berth(["exec", "-i", "bx", "sh", "-c", "wc -c; echo done >&2"], { input: big });
    assert.equal(wc.stdout.trim(), String(big.length));
    assert.equal(wc.stderr, "done\n");
    const out = await daemon.berth(["exec", "bx", "sh", "-c", "head -c 3000000 /dev/zero | tr '\\0' x"]);
    assert.equal(out.stdout.length, 3_000_000);
    assert.match(out.stdout, /^x+$/);
  });

  it("-it drives a shell on a real pseudo-terminal, at the terminal's size", () => {
    const r = onTerminal(
      daemon,
      ["berth", "exec", "-it", "bx", "sh"],
      [["# ", "stty size; echo hi$((1+1)); exit 4\r"]],
    );
    assert.equal(r.code, 4, `${r.screen}\n${r.stderr}`);
    assert.match(r.screen, /\r?\nhi2\r+\n/);
    assert.match(r.screen, /^33 111\r+$/m);
  });
});

// Attach with stdin through the real docker CLI 28: `run -i` with piped stdin, `run -it`,
// `start -ai` and `attach` with the detach keys, driven through real pseudo-terminals
// (python3's pty module), and resize of the container's pty.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { describe, it } from "node:test";
import { BERTH } from "../helpers/daemon.ts";
import { onTerminal } from "../helpers/terminal-session.ts";
import { useBusyboxDaemon } from "../helpers/use-busybox-daemon.ts";

describe("attach with stdin", () => {
  const daemon = useBusyboxDaemon();

  it("run -i forwards piped stdin; the output continues after stdin ends", async () => {
    const r = await daemon.docker(
      ["run", "--rm", "-i", "busybox", "sh", "-c", "cat; echo after >&2; exit 6"],
      {
        input: "one\ntwo\n",
      },
    );
    assert.equal(r.stdout, "one\ntwo\n");
    assert.equal(r.stderr, "after\n");
    assert.equal(r.code, 6);
    const big = "z".repeat(512 * 1024);
    const wc = await daemon.docker(["run", "--rm", "-i", "busybox", "wc", "-c"], { input: big });
    assert.equal(wc.stdout.trim(), String(big.length));
  });

  it("run -it: a shell on a terminal, with the client's size; exit code", () => {
    const r = onTerminal(
      daemon,
      ["run", "--rm", "-it", "busybox", "sh"],
      [["# ", "stty size; echo hi$((2+3)); exit 4\r"]],
    );
    assert.equal(r.code, 4, r.screen);
    assert.match(r.screen, /\r?\nhi5\r+\n/);
    assert.match(r.screen, /^33 111\r+$/m);
  });

  it("attach detaches with ctrl-p ctrl-q (and --detach-keys) and leaves the container running", async () => {
    const run = await daemon.docker(["run", "-dit", "--name", "tt", "busybox", "sh"]);
    assert.equal(run.code, 0, run.stderr);
    const a = onTerminal(
      daemon,
      ["attach", "tt"],
      [
        ["", "echo mark$((1+1))\r"],
        ["mark2", "\x10\x11"],
      ],
    );
    // The docker CLI spots the keys itself, says so and exits 1 (as against dockerd).
    assert.match(a.screen, /mark2/);
    assert.match(a.screen, /read escape sequence/);
    assert.match((await daemon.docker(["inspect", "-f", "{{.State.Running}}", "tt"])).stdout, /true/);
    const b = onTerminal(
      daemon,
      ["attach", "--detach-keys", "ctrl-a,x", "tt"],
      [
        ["", "echo again\r"],
        ["again\r", "\x01x"],
      ],
    );
    assert.match(b.screen, /read escape sequence/);
    assert.match((await daemon.docker(["inspect", "-f", "{{.State.Running}}", "tt"])).stdout, /true/);
    const c = onTerminal(daemon, ["attach", "tt"], [["", "exit 9\r"]]);
    assert.equal(c.code, 9, c.screen);
    const bad = await daemon.request("POST", "/containers/tt/attach?stream=1&stdin=1&detachKeys=ctrl-1");
    assert.equal(bad.status, 400);
  });

  it("start -ai reattaches stdin to a stopped container", async () => {
    const create = await daemon.docker([
      "create",
      "-i",
      "--name",
      "sai",
      "busybox",
      "sh",
      "-c",
      "read x; echo got-$x",
    ]);
    assert.equal(create.code, 0, create.stderr);
    const first = await daemon.docker(["start", "-ai", "sai"], { input: "one\n" });
    assert.equal(first.stdout, "got-one\n");
    const second = await daemon.docker(["start", "-ai", "sai"], { input: "two\n" });
    assert.equal(second.stdout, "got-two\n");
  });

  it("berth run -i/-it, start -ai and attach", async () => {
    const r = await daemon.berth(["run", "--rm", "-i", "busybox", "sh", "-c", "cat; exit 3"], {
      input: "piped\n",
    });
    assert.equal(r.stdout, "piped\n");
    assert.equal(r.code, 3);
    const t = onTerminal(
      daemon,
      ["berth", "run", "--rm", "-it", "busybox", "sh"],
      [["# ", "stty size; exit 5\r"]],
    );
    assert.equal(t.code, 5, t.screen);
    assert.match(t.screen, /^33 111\r+$/m);
    assert.equal(
      (await daemon.docker(["create", "-i", "--name", "bsai", "busybox", "sh", "-c", "read x; echo b-$x"]))
        .code,
      0,
    );
    const s = await daemon.berth(["start", "-ai", "bsai"], { input: "in\n" });
    assert.equal(s.stdout, "b-in\n");
    assert.equal((await daemon.docker(["run", "-dit", "--name", "bat", "busybox", "sh"])).code, 0);
    const a = onTerminal(
      daemon,
      ["berth", "attach", "bat"],
      [
        ["", "echo x$((3*3))\r"],
        ["x9", "\x10\x11"],
      ],
    );
    assert.match(a.screen, /x9/);
    assert.match(a.screen, /read escape sequence/);
    assert.match((await daemon.docker(["inspect", "-f", "{{.State.Running}}", "bat"])).stdout, /true/);
  });

  it(
    "berth run proxies the signals it gets to the container (--sig-proxy)",
    { timeout: 60_000 },
    async () => {
      const child = spawn(
        process.execPath,
        [
          BERTH,
          "run",
          "--rm",
          "busybox",
          "sh",
          "-c",
          "trap 'echo got-term; exit 7' TERM; echo ready; while :; do sleep 0.05; done",
        ],
        { env: { ...process.env, DOCKER_HOST: daemon.host }, stdio: ["ignore", "pipe", "pipe"] },
      );
      let out = "";
      const exited = new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no output: ${out}`)), 20_000);
        child.stdout.on("data", (d: Buffer) => {
          out += d.toString();
          if (out.includes("ready")) {
            clearTimeout(timer);
            resolve();
          }
        });
      });
      child.kill("SIGTERM");
      // Fail rather than hang if the signal is lost (seen once under a load average of 10).
      const timer = setTimeout(() => child.kill("SIGKILL"), 30_000);
      try {
        assert.equal(await exited, 7, out);
      } finally {
        clearTimeout(timer);
      }
      assert.match(out, /got-term/);
    },
  );

  it("resizes the container's pty; refuses bad sizes and stopped containers", async () => {
    const run = await daemon.docker(["run", "-dit", "--name", "rs", "busybox", "sh"]);
    assert.equal(run.code, 0);
    assert.equal((await daemon.request("POST", "/containers/rs/resize?h=40&w=120")).status, 200);
    const deadline = Date.now() + 10_000;
    for (;;) {
      const size = await daemon.docker(["exec", "rs", "sh", "-c", "stty size < /proc/1/fd/0"]);
      if (size.stdout.trim() === "40 120") break;
      assert.ok(Date.now() < deadline, `size is ${size.stdout} ${size.stderr}`);
      await new Promise((r) => setTimeout(r, 25));
    }
    assert.equal((await daemon.request("POST", "/containers/rs/resize?h=-1&w=10")).status, 400);
    assert.equal((await daemon.request("POST", "/containers/rs/resize?h=10&w=70000")).status, 400);
    assert.equal((await daemon.docker(["rm", "-f", "rs"])).code, 0);
    assert.equal((await daemon.docker(["create", "--name", "rs2", "-t", "busybox"])).code, 0);
    assert.equal((await daemon.request("POST", "/containers/rs2/resize?h=10&w=10")).status, 409);
  });
});

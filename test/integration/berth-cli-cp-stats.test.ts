// berth cp (both directions, -a, -L, "-") and berth stats --no-stream against a real daemon,
// compared with the real docker CLI: the same copy made by each lands the same tree.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { chownSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { startBusyboxDaemon } from "../helpers/busybox.ts";
import { type RunResult, type TestDaemon } from "../helpers/daemon.ts";

const shown = (r: RunResult): unknown => ({ code: r.code, stdout: r.stdout, stderr: r.stderr });

/** Every entry below `dir`: relative path, type, mode, owner, size, link target. */
function hostTree(dir: string): string {
  return execFileSync("find", [".", "-printf", "%p %y %m %U:%G %s %l\\n"], { cwd: dir, encoding: "utf8" })
    .split("\n")
    .filter((l) => l !== "" && !/^\. /.test(l))
    .map((l) => (/ d /.test(l) ? l.replace(/ d (\d+) (\S+) \d+ /, " d $1 $2 - ") : l))
    .sort()
    .join("\n");
}

describe("berth cp and stats", () => {
  let daemon: TestDaemon;
  let local: string;

  before(async () => {
    daemon = await startBusyboxDaemon();
    const run = await daemon.berth(["run", "-d", "--name", "box", "busybox", "sleep", "600"]);
    assert.equal(run.code, 0, run.stderr);
    const setup = await daemon.docker([
      "exec",
      "box",
      "sh",
      "-c",
      "mkdir -p /d/sub && echo hi > /d/a && echo yo > /d/sub/b && chown 7:8 /d/a && ln -s /d/a /lnk && ln -s d /dl",
    ]);
    assert.equal(setup.code, 0, setup.stderr);
    local = join(daemon.dir, "local");
    mkdirSync(join(local, "dir", "sub"), { recursive: true });
    writeFileSync(join(local, "dir", "a"), "hello\n");
    writeFileSync(join(local, "dir", "sub", "b"), "there\n");
    chownSync(join(local, "dir", "a"), 1234, 1234);
    symlinkSync("dir/a", join(local, "lnk"));
  });
  after(async () => {
    await daemon.docker(["rm", "-f", "box", "idle"]);
    await daemon.cleanup();
  });

  it("copies out of a container as docker does", async () => {
    const cases = [
      ["box:/d", "."],
      ["box:/d", "x"],
      ["box:/d/.", "x"],
      ["box:/d/a", "."],
      ["box:/d/a", "y"],
      ["box:/d/a", "y/"],
      ["box:/lnk", "."],
      ["-L", "box:/lnk", "."],
      ["-L", "box:/dl", "q"],
      ["box:/nope", "."],
      ["nosuch:/d", "."],
      ["box:/d", "box:/e"],
      ["a", "b"],
    ];
    for (const c of cases) {
      const out: Record<string, { result: unknown; tree: string }> = {};
      for (const cli of ["berth", "docker"] as const) {
        const dir = join(daemon.dir, `out-${cli}`);
        rmSync(dir, { recursive: true, force: true });
        mkdirSync(dir);
        // Relative destinations are made absolute below the per-CLI directory.
        const args = c.map((a, i) =>
          i === c.length - 1 && !a.includes(":") ? join(dir, a) + (a.endsWith("/") ? "/" : "") : a,
        );
        const r = await daemon[cli](["cp", ...args]);
        out[cli] = {
          result: { ...(shown(r) as object), stderr: r.stderr.replaceAll(dir, "DIR") },
          tree: hostTree(dir),
        };
      }
      assert.deepEqual(out.berth, out.docker, c.join(" "));
    }
    const tar = await daemon.berth(["cp", "box:/d", "-"]);
    const names = execFileSync("tar", ["-t"], { input: tar.stdoutBytes, encoding: "utf8" })
      .split("\n")
      .filter(Boolean);
    assert.deepEqual(names.sort(), ["d/", "d/a", "d/sub/", "d/sub/b"]);
  });

  it("copies into a container as docker does", async () => {
    const tree = async (dir: string): Promise<string> =>
      (await daemon.docker(["exec", "box", "sh", "-c", `cd ${dir} && find . | sort | xargs ls -ldn`])).stdout
        .split("\n")
        .map((l) =>
          l
            .split(/\s+/)
            .filter((_, i) => [0, 2, 3, 4, 8, 9, 10].includes(i))
            .join(" "),
        )
        .join("\n")
        .replaceAll(dir, "T");
    const cases: { args: string[]; input?: Buffer }[] = [
      { args: ["dir", "box:@"] },
      { args: ["dir", "box:@/new"] },
      { args: ["dir/.", "box:@/new"] },
      { args: ["dir/a", "box:@/x"] },
      { args: ["dir/a", "box:@/file"] },
      { args: ["dir/a", "box:@/fl"] },
      { args: ["-a", "dir", "box:@"] },
      { args: ["lnk", "box:@"] },
      { args: ["-L", "lnk", "box:@"] },
      { args: ["dir", "box:@/file"] },
      { args: ["nope", "box:@"] },
      { args: ["dir/a", "box:@/no/x"] },
      { args: ["dir/a", "box:@/nodir/"] },
      { args: ["-", "box:@"], input: execFileSync("tar", ["-c", "-C", local, "dir"]) },
      { args: ["-", "box:@/file"], input: execFileSync("tar", ["-c", "-C", local, "dir"]) },
    ];
    for (const { args, input } of cases) {
      const out: Record<string, { result: unknown; tree: string }> = {};
      for (const cli of ["berth", "docker"] as const) {
        const dir = `/t-${cli.slice(0, 1)}`;
        const prep = await daemon.docker([
          "exec",
          "box",
          "sh",
          "-c",
          `rm -rf ${dir} && mkdir ${dir} && echo f > ${dir}/file && ln -s ${dir}/file ${dir}/fl`,
        ]);
        assert.equal(prep.code, 0, prep.stderr);
        const full = args.map((a) =>
          a.startsWith("box:") ? a.replace("@", dir) : a === "-" || a.startsWith("-") ? a : join(local, a),
        );
        const r = await daemon[cli](["cp", ...full], input === undefined ? {} : { input });
        // docker logs a tar-writer complaint of its own when the daemon refuses early.
        const stderr = r.stderr
          .split("\n")
          .filter((l) => !l.startsWith("time="))
          .join("\n")
          .replaceAll(dir, "T")
          .replaceAll(local, "L");
        out[cli] = { result: { code: r.code, stdout: r.stdout, stderr }, tree: await tree(dir) };
      }
      assert.deepEqual(out.berth, out.docker, args.join(" "));
    }
  });

  it("prints stats as docker does", async () => {
    assert.equal((await daemon.berth(["create", "--name", "idle", "busybox", "true"])).code, 0);
    const idle = [
      await daemon.berth(["stats", "--no-stream", "idle"]),
      await daemon.docker(["stats", "--no-stream", "idle"]),
    ];
    assert.deepEqual(shown(idle[0] as RunResult), shown(idle[1] as RunResult));
    assert.match(
      idle[0]?.stdout ?? "",
      /^CONTAINER ID +NAME +CPU % +MEM USAGE \/ LIMIT +MEM % +NET I\/O +BLOCK I\/O +PIDS\n[0-9a-f]{12} +idle +0\.00% +0B \/ 0B +0\.00% +0B \/ 0B +0B \/ 0B +0\n$/,
    );
    for (const args of [
      ["stats", "--no-stream", "--format", "{{.Container}} {{.Name}} {{.ID}}", "box", "idle"],
      ["container", "stats", "--no-stream", "-a", "--no-trunc", "--format", "{{.Name}} {{.ID}} {{.PIDs}}"],
      ["stats", "--no-stream", "nosuch"],
    ]) {
      const [b, d] = [await daemon.berth(args), await daemon.docker(args)];
      assert.deepEqual(shown(b), shown(d), args.join(" "));
    }
    // Live figures differ between two samples; the shape and the JSON keys must not.
    const running = await daemon.berth(["stats", "--no-stream", "--format", "json", "box"]);
    const docker = await daemon.docker(["stats", "--no-stream", "--format", "json", "box"]);
    const b = JSON.parse(running.stdout) as Record<string, string>;
    const d = JSON.parse(docker.stdout) as Record<string, string>;
    assert.deepEqual(Object.keys(b), Object.keys(d));
    assert.equal(b.Name, "box");
    assert.equal(b.PIDs, "1");
    assert.match(b.CPUPerc ?? "", /^\d+\.\d\d%$/);
    assert.match(b.MemUsage ?? "", /^[\d.]+[KMG]?i?B \/ [\d.]+[KMG]iB$/);
  });
});

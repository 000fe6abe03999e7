// `docker build` (classic builder, DOCKER_BUILDKIT=0) through the real docker CLI against berthd:
// multi-stage with --target, cache hits and busts, COPY --from, ARG/ENV expansion, failing RUN
// exit codes, .dockerignore, RUN --mount=type=cache persisting between builds, and bad input.
// No build container may be left behind.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { setImmediate as tick } from "node:timers/promises";
import { before, describe, it } from "node:test";
import { validateResponse } from "../helpers/swagger-validator.ts";
import { useBusyboxDaemon } from "../helpers/use-busybox-daemon.ts";

const ENV = { ...process.env, DOCKER_BUILDKIT: "0" };
const runTool = async (cmd: string, args: string[]): Promise<number> => spawnSync(cmd, args).status ?? 1;

describe("docker build (classic builder)", () => {
  // A small context limit so the oversized-context case stays fast.
  const daemon = useBusyboxDaemon({
    start: { env: { BERTH_MAX_BUILD_CONTEXT: String(32 * 1024 * 1024) } },
    removeContainers: false,
  });
  let ctxRoot: string;
  before(async () => {
    ctxRoot = mkdtempSync(join(daemon.dir, "ctx-"));
  });

  let n = 0;
  const context = (files: Record<string, string>): string => {
    const dir = join(ctxRoot, String(n++));
    for (const [name, content] of Object.entries(files)) {
      mkdirSync(join(dir, name, ".."), { recursive: true });
      writeFileSync(join(dir, name), content);
    }
    return dir;
  };
  const build = (args: string[]) => daemon.docker(["build", ...args], { env: ENV });
  const run = async (image: string, ...cmd: string[]): Promise<string> => {
    const r = await daemon.docker(["run", "--rm", image, ...cmd]);
    assert.equal(r.code, 0, r.stderr);
    return r.stdout;
  };
  const noContainers = async (): Promise<void> => {
    const ps = await daemon.docker(["ps", "-aq"]);
    assert.equal(ps.stdout.trim(), "", "no build containers left behind");
  };

  it("builds, runs RUN/COPY/ENV/WORKDIR/CMD and tags; then a rebuild is all cache", async () => {
    const dir = context({
      Dockerfile: [
        "FROM busybox",
        "ENV GREETING=hello NAME=world",
        "WORKDIR /app",
        "COPY a.txt sub/ ./",
        'RUN echo "$GREETING $NAME" > out.txt && cat out.txt',
        'CMD ["cat", "/app/out.txt", "/app/a.txt", "/app/b.txt"]',
      ].join("\n"),
      "a.txt": "A\n",
      "sub/b.txt": "B\n",
    });
    const first = await build(["-t", "t1:v1", "-t", "t1:other", dir]);
    assert.equal(first.code, 0, first.stderr + first.stdout);
    assert.match(first.stdout, /Step 1\/6 : FROM busybox/);
    assert.match(first.stdout, /---> Running in [0-9a-f]{12}/);
    assert.match(first.stdout, /hello world/);
    assert.match(first.stdout, /Successfully built [0-9a-f]{12}/);
    assert.match(first.stdout, /Successfully tagged t1:v1/);
    assert.match(first.stdout, /Successfully tagged t1:other/);
    assert.equal(await run("t1:v1"), "hello world\nA\nB\n");
    const second = await build(["-t", "t1:v1", dir]);
    assert.equal(second.code, 0, second.stderr);
    assert.equal(second.stdout.match(/Using cache/g)?.length, 5, second.stdout);
    assert.doesNotMatch(second.stdout, /Running in/);
    // A changed file re-runs from its COPY on.
    writeFileSync(join(dir, "a.txt"), "A2\n");
    const third = await build(["-t", "t1:v1", dir]);
    assert.equal(third.code, 0, third.stderr);
    assert.equal(third.stdout.match(/Using cache/g)?.length, 2, third.stdout);
    assert.match(third.stdout, /Running in/);
    assert.equal(await run("t1:v1"), "hello world\nA2\nB\n");
    // Intermediate images are hidden without -a and survive image prune (they have children).
    const listed = (await daemon.docker(["images", "-q"])).stdout.trim().split("\n");
    const all = (await daemon.docker(["images", "-a", "-q"])).stdout.trim().split("\n");
    assert.ok(all.length > listed.length, "docker images -a shows the step images");
    assert.equal((await daemon.docker(["image", "prune", "-f"])).code, 0);
    const again = await build(["-t", "t1:v1", dir]);
    assert.equal(again.stdout.match(/Using cache/g)?.length, 5, again.stdout);
    const inspect = JSON.parse((await daemon.docker(["image", "inspect", "t1:v1"])).stdout)[0];
    assert.equal(inspect.Config.WorkingDir, "/app");
    assert.ok(inspect.Config.Env.includes("GREETING=hello"));
    await noContainers();
  });

  it("multi-stage: --target builds only the stages it needs; COPY --from a stage and by index", async () => {
    const dir = context({
      Dockerfile: [
        "ARG FROM_STAGE=builder",
        "FROM busybox AS base",
        "RUN echo base > /base.txt",
        "FROM base AS builder",
        "RUN echo built > /artifact",
        "FROM busybox AS unused",
        "RUN exit 7",
        "FROM busybox AS final",
        "COPY --from=${FROM_STAGE} /artifact /from-name",
        "COPY --from=0 /base.txt /from-index",
        'CMD ["cat", "/from-name", "/from-index"]',
        "FROM final AS later",
        "RUN exit 9",
      ].join("\n"),
    });
    const r = await build(["--target", "final", "-t", "ms:final", dir]);
    assert.equal(r.code, 0, r.stderr + r.stdout);
    assert.doesNotMatch(r.stdout, /exit 7|exit 9/);
    assert.equal(await run("ms:final"), "built\nbase\n");
    const bad = await build(["--target", "nosuch", dir]);
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /failed to reach build target nosuch in Dockerfile/);
    const views = readFileSync("/proc/self/mountinfo", "utf8")
      .split("\n")
      .filter((l) => (l.split(" ")[4] ?? "").startsWith(join(daemon.root, "tmp-build-")));
    assert.deepEqual(views, [], "COPY --from views are unmounted after the build");
    await noContainers();
  });

  it("ARG and ENV expansion with --build-arg, defaults and modifiers; labels, history", async () => {
    const dir = context({
      Dockerfile: [
        "ARG BASE=busybox",
        "FROM ${BASE}",
        "ARG VERSION=1.0",
        "ARG FLAVOR",
        "ENV APP_HOME=/opt/app VERSION_ENV=v${VERSION}",
        "WORKDIR ${APP_HOME}/${FLAVOR:-plain}",
        'LABEL version="${VERSION}" flavor=${FLAVOR:+set}',
        'RUN echo "$VERSION-$FLAVOR-${VERSION_ENV%.*}" > info',
        "EXPOSE 80/tcp 53/udp",
        "USER 1000:1000",
        'ENTRYPOINT ["cat"]',
        'CMD ["info"]',
      ].join("\n"),
    });
    const r = await build(["--build-arg", "FLAVOR=spicy", "--label", "extra=yes", "-t", "args:1", dir]);
    assert.equal(r.code, 0, r.stderr + r.stdout);
    assert.equal(await run("args:1"), "1.0-spicy-v1\n");
    const info = JSON.parse((await daemon.docker(["image", "inspect", "args:1"])).stdout)[0];
    assert.equal(info.Config.WorkingDir, "/opt/app/spicy");
    assert.deepEqual(info.Config.Labels, { version: "1.0", flavor: "set", extra: "yes" });
    assert.deepEqual(Object.keys(info.Config.ExposedPorts).sort(), ["53/udp", "80/tcp"]);
    assert.equal(info.Config.User, "1000:1000");
    assert.deepEqual(info.Config.Entrypoint, ["cat"]);
    assert.deepEqual(info.Config.Cmd, ["info"]);
    const history = await daemon.docker(["history", "--no-trunc", "args:1"]);
    assert.match(history.stdout, /\|2 FLAVOR=spicy VERSION=1\.0 \/bin\/sh -c echo/);
    await noContainers();
  });

  it("a failing RUN reports the command and its exit code; nothing is left behind", async () => {
    const dir = context({ Dockerfile: "FROM busybox\nRUN echo before-fail && exit 3\n" });
    const r = await build([dir]);
    assert.equal(r.code, 3, "docker build exits with the failing step's code");
    assert.match(r.stdout, /before-fail/);
    assert.match(
      r.stderr,
      /The command '\/bin\/sh -c echo before-fail && exit 3' returned a non-zero code: 3/,
    );
    await noContainers();
  });

  it("--rm=false keeps step containers, --force-rm removes a failed one; steps publish container events", async () => {
    const since = String(Math.floor(Date.now() / 1000));
    const dir = context({ Dockerfile: "FROM busybox\nRUN echo kept > /k\nRUN exit 4\n" });
    const kept = await build(["--rm=false", "--no-cache", dir]);
    assert.equal(kept.code, 4);
    assert.doesNotMatch(kept.stdout, /Removed intermediate container/);
    const ids = [...kept.stdout.matchAll(/---> Running in ([0-9a-f]{12})/g)].map((m) => m[1]);
    assert.equal(ids.length, 2);
    const ps = await daemon.docker([
      "ps",
      "-a",
      "--no-trunc",
      "--format",
      "{{.ID}} {{.Status}} {{.Command}}",
    ]);
    for (const id of ids) assert.match(ps.stdout, new RegExp(`^${id}\\w+ Exited`, "m"));
    assert.match(ps.stdout, /Exited \(4\).*exit 4/);
    // Kept containers carry no step label, so a restart leaves them to the user as well.
    assert.equal((await daemon.docker(["rm", ...(ids as string[])])).code, 0);
    const forced = await build(["--rm=false", "--force-rm", "--no-cache", dir]);
    assert.equal(forced.code, 4);
    assert.match(forced.stdout, /Removed intermediate container/);
    await noContainers();
    const events = await daemon.docker([
      "events",
      "--since",
      since,
      "--until",
      String(Math.floor(Date.now() / 1000) + 1),
      "--filter",
      "type=container",
      "--format",
      "{{.Action}} {{.Actor.ID}}",
    ]);
    const step = [...forced.stdout.matchAll(/---> Running in ([0-9a-f]{12})/g)].map((m) => m[1]).at(-1);
    const actions = events.stdout
      .split("\n")
      .filter((l) => l.split(" ")[1]?.startsWith(step ?? "-"))
      .map((l) => l.split(" ")[0]);
    assert.deepEqual(actions, ["create", "attach", "start", "die", "destroy"], events.stdout);
  });

  it("--platform: the host's is accepted, another is refused with dockerd's words (no emulation)", async () => {
    const arch = { x64: "amd64", arm64: "arm64" }[process.arch as "x64" | "arm64"] ?? process.arch;
    const dir = context({
      Dockerfile:
        'FROM busybox\nARG TARGETPLATFORM\nARG BUILDPLATFORM\nRUN echo "t=$TARGETPLATFORM b=$BUILDPLATFORM"\n',
      "Dockerfile.from": "FROM --platform=linux/s390x busybox\nRUN true\n",
      "Dockerfile.build": "FROM --platform=$BUILDPLATFORM busybox\nRUN true\n",
      "Dockerfile.scratch": "FROM --platform=linux/s390x scratch\nCOPY Dockerfile /\n",
    });
    const host = await build(["--no-cache", "--platform", `linux/${arch}`, dir]);
    assert.equal(host.code, 0, host.stderr);
    assert.match(host.stdout, new RegExp(`t=linux/${arch} b=linux/${arch}`));
    const other = await build(["--platform", "linux/s390x", dir]);
    assert.notEqual(other.code, 0);
    assert.match(
      other.stderr,
      /image with reference busybox was found but does not match the specified platform: wanted linux\/s390x/,
    );
    const from = await build(["-f", join(dir, "Dockerfile.from"), dir]);
    assert.match(from.stderr, /does not match the specified platform: wanted linux\/s390x/);
    // FROM --platform=$BUILDPLATFORM is the host's, whatever --platform says.
    assert.equal(
      (await build(["--platform", "linux/s390x", "-f", join(dir, "Dockerfile.build"), dir])).code,
      0,
    );
    const scratch = await build(["-t", "plat:s390x", "-f", join(dir, "Dockerfile.scratch"), dir]);
    assert.equal(scratch.code, 0, scratch.stderr);
    const inspect = await daemon.docker([
      "image",
      "inspect",
      "--format",
      "{{.Os}}/{{.Architecture}}",
      "plat:s390x",
    ]);
    assert.equal(inspect.stdout.trim(), "linux/s390x");
    const bad = await build(["--platform", "nonsense", dir]);
    assert.match(bad.stderr, /unknown operating system or architecture/);
    assert.equal((await daemon.docker(["rmi", "plat:s390x"])).code, 0);
    await noContainers();
  });

  it(".dockerignore excludes files from COPY, with ! exceptions", async () => {
    const dir = context({
      Dockerfile: 'FROM busybox\nCOPY . /ctx\nCMD ["find", "/ctx", "-type", "f"]\n',
      ".dockerignore": "*.log\nsecret/\n!keep.log\n",
      "a.txt": "a",
      "debug.log": "x",
      "keep.log": "k",
      "secret/key": "s",
    });
    const r = await build(["-t", "ign:1", dir]);
    assert.equal(r.code, 0, r.stderr + r.stdout);
    const files = (await run("ign:1")).trim().split("\n").sort();
    // The Dockerfile and .dockerignore are context files like others unless ignored (as in Docker).
    assert.deepEqual(files, ["/ctx/.dockerignore", "/ctx/Dockerfile", "/ctx/a.txt", "/ctx/keep.log"]);
    assert.ok(files.includes("/ctx/a.txt") && files.includes("/ctx/keep.log"));
    assert.ok(!files.includes("/ctx/debug.log") && !files.some((f) => f.startsWith("/ctx/secret")));
  });

  it("RUN --mount=type=cache keeps its contents between builds; tmpfs and bind mounts", async () => {
    const df = (tag: string): string =>
      [
        "FROM busybox",
        `RUN --mount=type=cache,target=/cache echo ${tag} >> /cache/log && cat /cache/log > /seen`,
        "RUN --mount=type=tmpfs,target=/scratch touch /scratch/x && test -f /scratch/x",
        "RUN --mount=type=bind,source=data.txt,target=/mnt/data.txt cp /mnt/data.txt /copied",
        "RUN --network=none cat /copied",
        'CMD ["cat", "/seen", "/copied"]',
      ].join("\n");
    const dir = context({ Dockerfile: df("first"), "data.txt": "bound\n" });
    const first = await build(["-t", "cm:1", dir]);
    assert.equal(first.code, 0, first.stderr + first.stdout);
    writeFileSync(join(dir, "Dockerfile"), df("second"));
    const r = await build(["-t", "cm:2", dir]);
    assert.equal(r.code, 0, r.stderr + r.stdout);
    assert.equal(await run("cm:2"), "first\nsecond\nbound\n");
    const dfApi = await daemon.request("GET", "/system/df");
    validateResponse("GET", "/system/df", 200, dfApi.json());
    const usage = dfApi.json<{ BuildCache: { Type: string }[] }>().BuildCache;
    assert.ok(usage.some((c) => c.Type === "exec.cachemount") && usage.some((c) => c.Type === "regular"));
    const df2 = await daemon.docker(["system", "df", "-v"]);
    assert.match(df2.stdout, /Build cache usage/);
    const pruneApi = await daemon.request("POST", "/build/prune");
    assert.equal(pruneApi.status, 200);
    validateResponse("POST", "/build/prune", 200, pruneApi.json());
    const prune = await daemon.docker(["builder", "prune", "-f"]);
    assert.equal(prune.code, 0, prune.stderr);
    assert.match(prune.stdout, /Total reclaimed space/);
    await noContainers();
  });

  it("-q prints only the image ID; --iidfile writes it; -f names a Dockerfile in a subdir", async () => {
    const dir = context({ "build/Custom.dockerfile": "FROM busybox\nRUN true\n" });
    const iid = join(dir, "iid");
    const r = await build(["-q", "--iidfile", iid, "-f", join(dir, "build/Custom.dockerfile"), dir]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout.trim(), /^sha256:[0-9a-f]{64}$/);
  });

  it("bad input: clear errors with line numbers, and the daemon stays up", async () => {
    const cases: [Record<string, string>, RegExp][] = [
      [
        { Dockerfile: "FROM busybox\nFOO bar\n" },
        /dockerfile parse error on line 2: unknown instruction: FOO/,
      ],
      [{ Dockerfile: "FROM busybox\nRUNN x\n" }, /unknown instruction: RUNN \(did you mean run\?\)/],
      [{ Dockerfile: "FROM busybox\nENV\n" }, /ENV requires at least one argument|line 2/],
      [{ Dockerfile: "FROM nosuchimage:1\n" }, /registry docker.io is blocked/],
      [
        { Dockerfile: "FROM busybox\nCOPY ../outside /x\n" },
        /forbidden path outside the build context|outside/,
      ],
      [
        { Dockerfile: "FROM busybox\nCOPY missing.txt /x\n" },
        /file not found in build context or excluded by \.dockerignore: stat missing\.txt: file does not exist/,
      ],
      [{ Dockerfile: "FROM busybox\nRUN <<EOF\necho\n" }, /unterminated heredoc/],
      [{ Dockerfile: "RUN true\n" }, /no build stage in current context/],
      [
        { Dockerfile: "FROM busybox AS a\nCOPY --from=a /x /y\n" },
        /circular dependency detected on stage: a/,
      ],
      [{ Dockerfile: "FROM busybox\nCOPY --nope=1 a b\n" }, /unknown flag: nope/],
      [{ Dockerfile: "FROM scratch\n" }, /No image was generated\. Is your Dockerfile empty\?/],
      [{ Dockerfile: "FROM busybox\nRUN --security=insecure true\n" }, /security\.insecure is not allowed/],
      [
        { Dockerfile: "FROM busybox\nRUN --mount=type=secret,id=x true\n" },
        /unsupported mount type "secret"/,
      ],
      [
        { Dockerfile: "FROM busybox\nADD --checksum=sha256:00 Dockerfile /x\n" },
        /checksum can't be specified for non-HTTP\(S\) sources/,
      ],
      [{ Dockerfile: "FROM busybox\nADD http://127.0.0.1:1/x /x\n" }, /ADD failed/],
    ];
    for (const [files, want] of cases) {
      const r = await build([context(files)]);
      assert.notEqual(r.code, 0, `${files.Dockerfile}`);
      assert.match(r.stderr, want, `${files.Dockerfile}: ${r.stderr}`);
    }
    assert.equal((await daemon.docker(["version"])).code, 0);
    await noContainers();
  });

  it("berth build prints the same stream; -f outside the context, - for stdin, --iidfile, exit codes", async () => {
    const dir = context({ "x.txt": "x\n" });
    const outside = join(ctxRoot, "outside.Dockerfile");
    writeFileSync(outside, 'FROM busybox\nCOPY x.txt /x.txt\nCMD ["cat", "/x.txt"]\n');
    const iid = join(ctxRoot, "berth.iid");
    const r = await daemon.berth(["build", "-t", "berth:1", "-f", outside, "--iidfile", iid, dir]);
    assert.equal(r.code, 0, r.stderr + r.stdout);
    assert.match(r.stdout, /Step 2\/3 : COPY x\.txt \/x\.txt/);
    assert.match(r.stdout, /Successfully tagged berth:1/);
    assert.match(readFileSync(iid, "utf8"), /^sha256:[0-9a-f]{64}$/);
    assert.equal(await run("berth:1"), "x\n");
    const stdin = await daemon.berth(["build", "-q", "-"], { input: "FROM busybox\nRUN exit 4\n" });
    assert.equal(stdin.code, 4, stdin.stderr);
    assert.match(stdin.stderr, /returned a non-zero code: 4/);
    const ok = await daemon.berth(["build", "-q", "-"], { input: "FROM busybox\nLABEL a=b\n" });
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout.trim(), /^sha256:[0-9a-f]{64}$/);
    const fromStdin = await daemon.berth(["build", "-t", "berth:stdin", "-f", "-", dir], {
      input: 'FROM busybox\nCOPY x.txt /y.txt\nCMD ["cat", "/y.txt"]\n',
    });
    assert.equal(fromStdin.code, 0, fromStdin.stderr + fromStdin.stdout);
    assert.equal(await run("berth:stdin"), "x\n");
    const prune = await daemon.berth(["builder", "prune", "-f"]);
    assert.equal(prune.code, 0, prune.stderr);
    await noContainers();
  });

  it("heredocs, ADD of a tar archive, COPY --chown/--chmod, SHELL, exec-form RUN, ONBUILD, HEALTHCHECK, VOLUME, STOPSIGNAL", async () => {
    const dir = context({ "f.txt": "f\n" });
    const tarDir = join(dir, "tarsrc");
    mkdirSync(join(tarDir, "inner"), { recursive: true });
    writeFileSync(join(tarDir, "inner", "t.txt"), "from-tar\n");
    const t = await runTool("tar", ["-czf", join(dir, "arch.tar.gz"), "-C", tarDir, "."]);
    assert.equal(t, 0);
    writeFileSync(
      join(dir, "Dockerfile"),
      [
        "FROM busybox AS parent",
        "ONBUILD RUN echo triggered > /onbuild",
        "FROM parent",
        "ARG WHO=heredoc",
        "RUN <<EOF",
        "echo line1 > /hd",
        "echo $WHO >> /hd",
        "EOF",
        "COPY <<-EOT /etc/greeting",
        "\thello $WHO",
        "\tEOT",
        "ADD arch.tar.gz /unpacked/",
        "COPY --chown=123:456 --chmod=600 f.txt /owned",
        'SHELL ["/bin/sh", "-e", "-c"]',
        "RUN stat -c '%u:%g:%a' /owned > /owned.stat",
        'RUN ["/bin/sh", "-c", "echo exec-form > /exec"]',
        "HEALTHCHECK --interval=5s --retries=2 CMD true",
        "VOLUME /data",
        "STOPSIGNAL SIGUSR1",
        "WORKDIR /wd/deep",
        'CMD ["sh", "-c", "cat /hd /etc/greeting /unpacked/inner/t.txt /owned.stat /exec /onbuild"]',
      ].join("\n"),
    );
    const r = await build(["-t", "features:1", dir]);
    assert.equal(r.code, 0, r.stderr + r.stdout);
    assert.match(r.stdout, /# Executing 1 build trigger/);
    assert.equal(
      await run("features:1"),
      "line1\nheredoc\nhello heredoc\nfrom-tar\n123:456:600\nexec-form\ntriggered\n",
    );
    const info = JSON.parse((await daemon.docker(["image", "inspect", "features:1"])).stdout)[0];
    assert.deepEqual(info.Config.Healthcheck, {
      Test: ["CMD-SHELL", "true"],
      Interval: 5_000_000_000,
      Retries: 2,
    });
    assert.deepEqual(info.Config.Volumes, { "/data": {} });
    assert.equal(info.Config.StopSignal, "SIGUSR1");
    // busybox + trigger RUN, RUN, COPY, ADD, COPY, RUN, RUN and WORKDIR's new directory.
    assert.equal(info.RootFS.Layers.length, 9);
    assert.deepEqual(info.Config.Shell, ["/bin/sh", "-e", "-c"]);
    assert.ok(!info.Config.OnBuild, "ONBUILD triggers are not inherited");
    await noContainers();
  });

  it("a gzip context of several MiB (beyond one 1 MiB tar record) unpacks whole", async () => {
    const dir = context({
      Dockerfile: "FROM busybox\nCOPY big /big\nRUN test $(wc -c < /big) -eq 3145739\n",
    });
    writeFileSync(join(dir, "big"), Buffer.alloc(3 * 1024 * 1024 + 11, 3));
    const tgz = spawnSync("tar", ["-cz", "-C", dir, "."], { maxBuffer: 64 * 1024 * 1024 }).stdout;
    const r = await daemon.request("POST", "/build?t=gz:1", tgz, { "Content-Type": "application/x-tar" });
    assert.equal(r.status, 200);
    assert.match(r.text(), /Successfully built/, r.text());
  });

  it("hostile or oversized contexts are refused with a clear error; nothing is left behind", async () => {
    const evil = join(ctxRoot, "evil.tar");
    const py = [
      "import tarfile, io, sys",
      "t = tarfile.open(sys.argv[1], 'w')",
      "for name, data in [('Dockerfile', b'FROM busybox\\n'), ('../escape.txt', b'x')]:",
      "    ti = tarfile.TarInfo(name); ti.size = len(data); t.addfile(ti, io.BytesIO(data))",
      "t.close()",
    ].join("\n");
    assert.equal(spawnSync("python3", ["-c", py, evil]).status, 0);
    const r = await daemon.request("POST", "/build", readFileSync(evil), {
      "Content-Type": "application/x-tar",
    });
    assert.equal(r.status, 400, r.text());
    assert.match(r.text(), /Member name contains '\.\.'/);
    assert.ok(!existsSync(join(daemon.root, "..", "escape.txt")));
    const bigDir = context({ Dockerfile: "FROM busybox\n" });
    writeFileSync(join(bigDir, "big"), Buffer.alloc(40 * 1024 * 1024, 1));
    const big = await build([bigDir]);
    assert.notEqual(big.code, 0);
    assert.match(big.stderr, /build context is larger than the limit/);
    const badTag = await daemon.request("POST", "/build?t=Bad:Tag", readFileSync(evil), {
      "Content-Type": "application/x-tar",
    });
    assert.equal(badTag.status, 400);
    assert.match(badTag.text(), /invalid reference format/);
    // Symlinks in the context resolve inside it: no host file reaches the image.
    const linkDir = context({ Dockerfile: "FROM busybox\nCOPY hostfile /h\n" });
    symlinkSync("/etc/hostname", join(linkDir, "hostfile"));
    const linked = await build([linkDir]);
    assert.notEqual(linked.code, 0);
    assert.match(linked.stderr, /file not found in build context/);
    const dfLink = context({ "other.txt": "x" });
    symlinkSync("/etc/hostname", join(dfLink, "Dockerfile"));
    // (the docker CLI refuses such a context itself; an API client may still send one)
    const linkTar = spawnSync("tar", ["-c", "-C", dfLink, "."]).stdout;
    const dfLinked = await daemon.request("POST", "/build", linkTar, { "Content-Type": "application/x-tar" });
    assert.equal(dfLinked.status, 400);
    assert.match(dfLinked.text(), /Cannot locate specified Dockerfile: Dockerfile/);
    const garbage = await daemon.request("POST", "/build", "this is not a tar", {
      "Content-Type": "application/x-tar",
    });
    assert.equal(garbage.status, 400);
    assert.equal((await daemon.docker(["version"])).code, 0);
    // The work dirs go right after each answer (removed in the background).
    const workGone = Date.now() + 10_000;
    while (readdirSync(daemon.root).some((n) => n.startsWith("tmp-build-"))) {
      assert.ok(Date.now() < workGone, "work dirs removed");
      await tick();
    }
    await noContainers();
  });

  it("a daemon killed mid-RUN cleans the step container and work dir up when it comes back", async () => {
    const dir = context({ Dockerfile: "FROM busybox\nRUN sleep 60\n" });
    const building = build([dir]);
    const deadline = Date.now() + 20_000;
    const stepContainers = async (): Promise<string> =>
      (await daemon.docker(["ps", "-aq", "--filter", "label=io.berth.build.step"])).stdout.trim();
    while ((await stepContainers()) === "") {
      assert.ok(Date.now() < deadline, "the RUN step container appears");
    }
    await daemon.kill9();
    assert.notEqual((await building).code, 0);
    await daemon.restart();
    const gone = Date.now() + 20_000;
    while ((await stepContainers()) !== "") assert.ok(Date.now() < gone, "leftover step container removed");
    assert.deepEqual(
      readdirSync(daemon.root).filter((n) => n.startsWith("tmp-build-")),
      [],
    );
  });

  it("--cache-from an image reuses its steps after the local cache is gone", async () => {
    const dir = context({
      Dockerfile: 'FROM busybox\nENV X=1\nCOPY f /f\nRUN echo ran > /ran\nCMD ["cat", "/f", "/ran"]\n',
      f: "file\n",
    });
    const first = await build(["-t", "cf:src", dir]);
    assert.equal(first.code, 0, first.stderr + first.stdout);
    const srcId = (await daemon.docker(["image", "inspect", "-f", "{{.Id}}", "cf:src"])).stdout.trim();
    assert.equal((await daemon.docker(["builder", "prune", "-f"])).code, 0);
    const cold = await build(["--no-cache", "-t", "cf:cold", dir]);
    assert.doesNotMatch(cold.stdout, /Using cache/);
    assert.equal((await daemon.docker(["builder", "prune", "-f"])).code, 0);
    const r = await build(["--cache-from", "cf:src", "-t", "cf:again", dir]);
    assert.equal(r.code, 0, r.stderr + r.stdout);
    assert.equal(r.stdout.match(/Using cache/g)?.length, 4, r.stdout);
    assert.doesNotMatch(r.stdout, /Running in/);
    const againId = (await daemon.docker(["image", "inspect", "-f", "{{.Id}}", "cf:again"])).stdout.trim();
    assert.equal(againId, srcId);
    assert.equal(await run("cf:again"), "file\nran\n");
  });

  it("a RUN layer holds what the command changed (with whiteouts), not the runtime's mount points", async () => {
    const dir = context({
      Dockerfile: "FROM busybox\nRUN rm -rf /home && mkdir /newdir && echo > /newdir/f\n",
    });
    const r = await build(["-t", "layer:1", dir]);
    assert.equal(r.code, 0, r.stderr + r.stdout);
    const out = mkdtempSync(join(ctxRoot, "save-"));
    assert.equal((await daemon.docker(["save", "-o", join(out, "i.tar"), "layer:1"])).code, 0);
    spawnSync("tar", ["-xf", join(out, "i.tar"), "-C", out]);
    const manifest = JSON.parse(readFileSync(join(out, "manifest.json"), "utf8"))[0];
    const last = manifest.Layers.at(-1);
    const list = spawnSync("tar", ["-tf", join(out, last)], { encoding: "utf8" })
      .stdout.split("\n")
      .filter(Boolean);
    assert.ok(list.includes(".wh.home"), list.join(" "));
    assert.ok(list.includes("newdir/f"));
    for (const p of ["etc/hosts", "etc/hostname", "etc/resolv.conf"])
      assert.ok(!list.includes(p), `${p} not in the layer`);
  });

  it("the docker SDK for Python builds through the same endpoint", async () => {
    const dir = context({ Dockerfile: "FROM busybox\nARG MSG\nRUN echo $MSG > /msg\n" });
    const py = [
      "import docker, sys",
      "c = docker.DockerClient(base_url=sys.argv[1])",
      "img, logs = c.images.build(path=sys.argv[2], tag='py:1', buildargs={'MSG': 'from-python'}, rm=True)",
      "print(''.join(l.get('stream', '') for l in logs))",
      "try:",
      "    c.images.build(path=sys.argv[3])",
      "except docker.errors.BuildError as e:",
      "    print('BuildError:', e.msg)",
    ].join("\n");
    const bad = context({ Dockerfile: "FROM busybox\nRUN exit 5\n" });
    // Debian's python3 with python3-docker (scripts/install-deps.sh), not whatever python3 is first on PATH.
    const r = spawnSync("/usr/bin/python3", ["-c", py, daemon.host, dir, bad], {
      encoding: "utf8",
      timeout: 60_000,
    });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /Successfully built/);
    assert.equal(await run("py:1", "cat", "/msg"), "from-python\n");
    assert.match(r.stdout, /BuildError: The command '\/bin\/sh -c exit 5' returned a non-zero code: 5/);
    // docker-py's build() defaults to rm=False: its step container stays, as with dockerd.
    const kept = await daemon.docker(["ps", "-a", "--format", "{{.ID}} {{.Status}}"]);
    const [id, ...status] = kept.stdout.trim().split(" ");
    assert.match(status.join(" "), /^Exited \(5\)/);
    assert.equal((await daemon.docker(["rm", id ?? "-"])).code, 0);
    await noContainers();
  });

  it("COPY into a symlinked directory writes through the link instead of shadowing it", async () => {
    const dir = context({
      Dockerfile: [
        "FROM busybox",
        "RUN mkdir -p /usr/real && echo old > /usr/real/keep && ln -s usr/real /linked",
        "COPY f /linked/",
        "COPY f /linked/sub/g",
        'CMD ["sh", "-c", "test -L /linked && cat /usr/real/keep /usr/real/f /usr/real/sub/g"]',
      ].join("\n"),
      f: "new\n",
    });
    const r = await build(["-t", "link:1", dir]);
    assert.equal(r.code, 0, r.stderr + r.stdout);
    assert.equal(await run("link:1"), "old\nnew\nnew\n");
  });

  it("COPY --from a stage defined later builds it first; platform ARGs are predefined", async () => {
    const dir = context({
      Dockerfile: [
        "FROM busybox AS final",
        "ARG TARGETARCH",
        "COPY --from=late /made /made",
        'RUN echo "$TARGETARCH" > /arch',
        'CMD ["cat", "/made", "/arch"]',
        "FROM busybox AS late",
        "RUN echo late > /made",
      ].join("\n"),
    });
    const r = await build(["--target", "final", "-t", "fwd:1", dir]);
    assert.equal(r.code, 0, r.stderr + r.stdout);
    const arch = process.arch === "x64" ? "amd64" : process.arch;
    assert.equal(await run("fwd:1"), `late\n${arch}\n`);
  });

  it("FROM scratch: COPY makes the only layer; another stage copies from it", async () => {
    const dir = context({
      Dockerfile: [
        "FROM scratch AS data",
        "COPY f /data/f",
        'LABEL kind="data"',
        "FROM busybox",
        "COPY --from=data /data /copied",
        'CMD ["cat", "/copied/f"]',
      ].join("\n"),
      f: "scratch-data\n",
    });
    const r = await build(["-t", "scratch:final", dir]);
    assert.equal(r.code, 0, r.stderr + r.stdout);
    assert.equal(await run("scratch:final"), "scratch-data\n");
    const data = await build(["--target", "data", "-t", "scratch:data", dir]);
    assert.equal(data.code, 0, data.stderr + data.stdout);
    const info = JSON.parse((await daemon.docker(["image", "inspect", "scratch:data"])).stdout)[0];
    assert.equal(info.RootFS.Layers.length, 1);
    assert.deepEqual(info.Config.Labels, { kind: "data" });
  });

  it("RUN steps get --add-host, --ulimit, --shm-size, --memory and --network from the build", async () => {
    const dir = context({
      Dockerfile: [
        "FROM busybox",
        "RUN grep -q 'registry.test' /etc/hosts && grep '1.2.3.4' /etc/hosts | grep -q registry.test",
        'RUN test "$(ulimit -n)" = 1234',
        "RUN df -k /dev/shm | tail -1 | awk '{ exit !($2 == 32768) }'",
        'RUN test "$(cat /sys/fs/cgroup/memory/memory.limit_in_bytes 2>/dev/null || cat /sys/fs/cgroup/memory.max)" = 134217728',
      ].join("\n"),
    });
    const r = await build([
      "--no-cache",
      "--add-host",
      "registry.test:1.2.3.4",
      "--ulimit",
      "nofile=1234:1234",
      "--shm-size",
      "32m",
      "--memory",
      "128m",
      "--network",
      "none",
      dir,
    ]);
    assert.equal(r.code, 0, r.stderr + r.stdout);
    await noContainers();
  });

  it("a client that goes away stops the build and its RUN container", async () => {
    const dir = context({ Dockerfile: "FROM busybox\nRUN echo started; sleep 60\n" });
    const tar = spawnSync("tar", ["-c", "-C", dir, "."]).stdout;
    const res = await daemon.stream("POST", "/build", tar, { "Content-Type": "application/x-tar" });
    // Read until the step runs, then hang up.
    let seen = "";
    for await (const chunk of res.response as AsyncIterable<Buffer>) {
      seen += chunk.toString();
      if (seen.includes("started")) break;
    }
    res.response.destroy();
    const deadline = Date.now() + 15_000;
    while ((await daemon.docker(["ps", "-aq"])).stdout.trim() !== "") {
      assert.ok(Date.now() < deadline, "the step container is gone well before its sleep ends");
    }
    assert.equal((await daemon.docker(["version"])).code, 0);
  });

  it("rmi of a built image deletes its untagged step images too", async () => {
    const before = (await daemon.docker(["images", "-a", "-q", "--no-trunc"])).stdout.trim().split("\n");
    const dir = context({ Dockerfile: 'FROM busybox\nENV RMI=1\nRUN echo rmi > /rmi\nCMD ["true"]\n' });
    const r = await build(["-t", "rmi:1", dir]);
    assert.equal(r.code, 0, r.stderr + r.stdout);
    const rmi = await daemon.docker(["rmi", "rmi:1"]);
    assert.equal(rmi.code, 0, rmi.stderr);
    assert.equal(rmi.stdout.match(/Deleted: sha256:/g)?.length, 3, rmi.stdout);
    const after = (await daemon.docker(["images", "-a", "-q", "--no-trunc"])).stdout.trim().split("\n");
    assert.deepEqual(after.sort(), before.sort());
  });
});

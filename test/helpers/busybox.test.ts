import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { after, before, describe, it } from "node:test";
import { busyboxRootfsDir, busyboxRootfsTar, makeBusyboxImage } from "./busybox.ts";
import { sha256File } from "./file-digest.ts";
import { runCommand } from "./run-command.ts";
import { packDirectory } from "./tar-directory.ts";

const SCRIPT = fileURLToPath(new URL("../../scripts/make-busybox-rootfs.sh", import.meta.url));
const HAVE_BUSYBOX = existsSync("/bin/busybox");

describe("busybox rootfs", { skip: !HAVE_BUSYBOX && "no /bin/busybox (busybox-static)" }, () => {
  let work: string;
  before(async () => {
    work = await mkdtemp(join(tmpdir(), "berth-busybox-test-"));
  });
  after(async () => {
    await rm(work, { recursive: true, force: true });
  });

  it("is built once per process", async () => {
    const [a, b] = await Promise.all([busyboxRootfsTar(), busyboxRootfsTar()]);
    assert.equal(a, b);
    assert.equal(await busyboxRootfsTar(), a);
  });

  it("holds busybox, its applet links, users and the usual directories, owned 0:0", async () => {
    const { stdout } = await runCommand("tar", ["--numeric-owner", "-tvf", await busyboxRootfsTar()]);
    const lines = stdout.split("\n");
    const line = (name: string): string =>
      lines.find((l) => l.endsWith(` ${name}`) || l.includes(` ${name} -> `)) ?? "";
    assert.match(line("bin/busybox"), /^-rwxr-xr-x 0\/0 /);
    assert.match(line("bin/sh"), /^lrwxrwxrwx 0\/0 .* bin\/sh -> busybox$/);
    assert.match(line("tmp/"), /^drwxrwxrwt 0\/0 /);
    assert.match(line("root/"), /^drwx------ 0\/0 /);
    for (const name of ["etc/passwd", "etc/group", "proc/", "sys/", "dev/", "home/", "var/spool/mail/"]) {
      assert.notEqual(line(name), "", name);
    }
    assert.ok(
      lines.every((l) => l === "" || / 0\/0 /.test(l)),
      "every member owned by 0:0",
    );
    const applets = (await runCommand("/bin/busybox", ["--list"])).stdout.split("\n").filter((a) => a !== "");
    const links = lines.filter((l) => l.startsWith("l") && l.endsWith(" -> busybox"));
    assert.equal(links.length, applets.filter((a) => a !== "busybox").length);
    const passwd = await readFile(join(await busyboxRootfsDir(), "etc/passwd"), "utf8");
    assert.match(passwd, /^root:x:0:0:/m);
    assert.match(passwd, /^nobody:x:65534:65534:/m);
  });

  it("is deterministic", async () => {
    const digests: string[] = [];
    for (const name of ["a", "b"]) {
      await runCommand("sh", [SCRIPT, join(work, name)]);
      await packDirectory(join(work, name), join(work, `${name}.tar`));
      digests.push(await sha256File(join(work, `${name}.tar`)));
    }
    assert.equal(digests[0], digests[1]);
    assert.equal(digests[0], await sha256File(await busyboxRootfsTar()));
  });

  it("refuses a non-empty target", async () => {
    const result = await runCommand("sh", [SCRIPT, work]);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /not empty/);
  });

  it("runs: sh works inside a chroot", { skip: process.getuid?.() !== 0 && "needs root" }, async () => {
    const result = await runCommand("chroot", [
      await busyboxRootfsDir(),
      "/bin/sh",
      "-c",
      "id -u; echo $((6*7))",
    ]);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, "0\n42\n");
  });

  it("makes a loadable busybox image archive", async () => {
    const out = join(work, "busybox-image.tar");
    const built = await makeBusyboxImage(out, { repoTags: ["busybox:test"] });
    assert.deepEqual(built.manifest[0]?.RepoTags, ["busybox:test"]);
    assert.deepEqual(built.images[0]?.config.config?.Cmd, ["sh"]);
    if (existsSync("/usr/bin/skopeo")) {
      const result = await runCommand("skopeo", [
        "inspect",
        "--config",
        `docker-archive:${out}:busybox:test`,
      ]);
      assert.equal(result.code, 0, result.stderr);
      assert.deepEqual((JSON.parse(result.stdout) as { config: { Cmd: string[] } }).config.Cmd, ["sh"]);
    }
  });
});

// docker cp against a real berthd: both ways, running and stopped containers, symlinks (-L),
// ownership (-a), tar on stdin/stdout, volumes, read-only targets, and hostile uploads (`../`,
// absolute names, devices, symlink escapes) that must land nothing outside the container.
import assert from "node:assert/strict";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { before, describe, it } from "node:test";
import { fileBody } from "../helpers/daemon.ts";
import { type TarMember, writeTar } from "../helpers/tar-writer.ts";
import { useBusyboxDaemon } from "../helpers/use-busybox-daemon.ts";

const member = (m: Partial<TarMember> & Pick<TarMember, "name" | "type">): TarMember => ({
  mode: m.type === "dir" ? 0o755 : 0o644,
  uid: 0,
  gid: 0,
  mtime: 1_700_000_000,
  ...m,
});

describe("docker cp", () => {
  const daemon = useBusyboxDaemon();
  let outside: string;
  before(async () => {
    outside = join(daemon.dir, "outside");
    mkdirSync(outside);
    assert.equal(
      (await daemon.docker(["run", "-d", "--name", "run", "-v", "vol:/data", "busybox", "sleep", "600"]))
        .code,
      0,
    );
    assert.equal(
      (
        await daemon.docker([
          "run",
          "--name",
          "stopped",
          "busybox",
          "sh",
          "-c",
          "echo s > /s; ln -s /s /slink",
        ])
      ).code,
      0,
    );
    assert.equal(
      (await daemon.docker(["run", "-d", "--name", "ro", "--read-only", "busybox", "sleep", "600"])).code,
      0,
    );
  });

  it("copies files and directories in and out of a running container, volumes included", async () => {
    const src = join(daemon.dir, "src");
    mkdirSync(join(src, "sub"), { recursive: true });
    writeFileSync(join(src, "a.txt"), "alpha\n");
    writeFileSync(join(src, "sub", "b.txt"), "beta\n");
    assert.equal((await daemon.docker(["cp", src, "run:/tmp/"])).code, 0);
    assert.equal((await daemon.docker(["cp", join(src, "a.txt"), "run:/data/a.txt"])).code, 0);
    const back = join(daemon.dir, "back");
    const out = await daemon.docker(["cp", "run:/tmp/src", back]);
    assert.equal(out.code, 0, out.stderr);
    assert.equal(readFileSync(join(back, "sub", "b.txt"), "utf8"), "beta\n");
    const vol = await daemon.docker(["cp", "run:/data/a.txt", join(daemon.dir, "fromvol.txt")]);
    assert.equal(vol.code, 0, vol.stderr);
    assert.equal(readFileSync(join(daemon.dir, "fromvol.txt"), "utf8"), "alpha\n");
    const logs = await daemon.docker(["run", "--rm", "-v", "vol:/v", "busybox", "cat", "/v/a.txt"]);
    assert.equal(logs.stdout, "alpha\n");
  });

  it("works on a stopped container, follows links with -L, streams tar with -", async () => {
    const plain = await daemon.docker(["cp", "stopped:/slink", join(daemon.dir, "plain")]);
    assert.equal(plain.code, 0, plain.stderr);
    const followed = await daemon.docker(["cp", "-L", "stopped:/slink", join(daemon.dir, "followed")]);
    assert.equal(followed.code, 0, followed.stderr);
    assert.equal(readFileSync(join(daemon.dir, "followed"), "utf8"), "s\n");
    const tar = await daemon.docker(["cp", "stopped:/s", "-"]);
    assert.match(tar.stdout, /^s\0/);
    writeFileSync(join(daemon.dir, "in.txt"), "into stopped\n");
    assert.equal((await daemon.docker(["cp", join(daemon.dir, "in.txt"), "stopped:/in.txt"])).code, 0);
    const check = await daemon.docker(["cp", "stopped:/in.txt", join(daemon.dir, "in-back.txt")]);
    assert.equal(check.code, 0, check.stderr);
    assert.equal(readFileSync(join(daemon.dir, "in-back.txt"), "utf8"), "into stopped\n");
    // The temporary mount of the stopped container's rootfs is gone.
    const id = (await daemon.docker(["inspect", "-f", "{{.Id}}", "stopped"])).stdout.trim();
    assert.ok(!readFileSync("/proc/self/mountinfo", "utf8").includes(join(daemon.root, "containers", id)));
  });

  it("keeps ownership with -a and gives root otherwise", async () => {
    const t = join(daemon.dir, "owned.tar");
    await writeTar(t, [
      member({ name: "owned", type: "file", uid: 1234, gid: 4321, content: Buffer.from("o") }),
    ]);
    const a = await daemon.request("PUT", "/containers/run/archive?path=/tmp&copyUIDGID=1", fileBody(t));
    assert.equal(a.status, 200, a.text());
    const b = await daemon.request("PUT", "/containers/run/archive?path=/", fileBody(t));
    assert.equal(b.status, 200, b.text());
    const head = await daemon.request("HEAD", "/containers/run/archive?path=/tmp/owned");
    assert.equal(head.status, 200);
    const stat = JSON.parse(
      Buffer.from(String(head.headers["x-docker-container-path-stat"]), "base64").toString(),
    ) as { name: string; size: number };
    assert.deepEqual([stat.name, stat.size], ["owned", 1]);
    const ls = await daemon.docker(["cp", "run:/tmp/owned", "-"]);
    assert.match(ls.stdout.slice(108, 124), /^0002322\x000010341\x00$/); // uid 1234, gid 4321 in octal
  });

  it("reports missing paths and read-only targets with Docker's statuses", async () => {
    const missing = await daemon.docker(["cp", "run:/nope", join(daemon.dir, "x")]);
    assert.notEqual(missing.code, 0);
    assert.match(missing.stderr, /Could not find the file \/nope in container run/);
    const head = await daemon.request("HEAD", "/containers/run/archive?path=/nope");
    assert.equal(head.status, 404);
    const noContainer = await daemon.request("HEAD", "/containers/ghost/archive?path=/");
    assert.equal(noContainer.status, 404);
    const big = join(daemon.dir, "big.tar");
    await writeTar(big, [member({ name: "big", type: "file", content: Buffer.alloc(64 * 1024 * 1024) })]);
    const ro = await daemon.request("PUT", "/containers/ro/archive?path=/tmp", fileBody(big));
    assert.equal(ro.status, 403);
    assert.match(ro.text(), /read-only/);
    const notDir = await daemon.request("PUT", "/containers/run/archive?path=/etc/passwd", fileBody(big));
    assert.equal(notDir.status, 400);
  });

  it("refuses hostile uploads and writes nothing outside the container", async () => {
    const cases: [string, TarMember[]][] = [
      [
        "dotdot",
        [
          member({
            name: `../../../../../../../../..${outside}/dotdot`,
            type: "file",
            content: Buffer.from("x"),
          }),
        ],
      ],
      ["absolute", [member({ name: `${outside}/abs`, type: "file", content: Buffer.from("x") })]],
      ["device", [member({ name: "mem", type: "char", devmajor: 1, devminor: 1 })]],
      ["hardlink", [member({ name: "hl", type: "hardlink", linkname: `../../../../../..${outside}/x` })]],
    ];
    for (const [name, members] of cases) {
      const t = join(daemon.dir, `${name}.tar`);
      await writeTar(t, members);
      const res = await daemon.request("PUT", "/containers/run/archive?path=/tmp", fileBody(t));
      assert.equal(res.status, 400, `${name}: ${res.text()}`);
    }
    // Symlinks in the tar or in the container resolve inside the container, never on the host.
    const links = join(daemon.dir, "links.tar");
    await writeTar(links, [
      member({ name: "esc", type: "symlink", linkname: outside }),
      member({ name: "esc/through-abs", type: "file", content: Buffer.from("x") }),
      member({ name: "up", type: "symlink", linkname: `../../../../../../../..${outside}` }),
      member({ name: "up/through-rel", type: "file", content: Buffer.from("x") }),
    ]);
    const res = await daemon.request("PUT", "/containers/run/archive?path=/tmp", fileBody(links));
    assert.equal(res.status, 200, res.text());
    // Then write through the links left in the container.
    const again = join(daemon.dir, "again.tar");
    await writeTar(again, [member({ name: "through-again", type: "file", content: Buffer.from("y") })]);
    assert.equal(
      (await daemon.request("PUT", "/containers/run/archive?path=/tmp/esc", fileBody(again))).status,
      200,
    );
    const escaped = ["dotdot", "abs", "x", "through-abs", "through-rel", "through-again"].filter((f) =>
      existsSync(join(outside, f)),
    );
    assert.deepEqual(escaped, []);
    // The files are inside the container, under the resolved paths.
    const inside = await daemon.docker(["cp", `run:${outside}/through-again`, "-"]);
    assert.equal(inside.code, 0, inside.stderr);
    assert.equal((await daemon.request("GET", "/_ping")).status, 200);
    rmSync(join(daemon.dir, "links.tar"));
  });
});

// `docker exec -t`: the process's terminal is a pty of the container's own devpts, as runc
// makes it (native/berth_exec.c relays it to berthd's pty): `tty` prints /dev/pts/<n>, the pty
// is owned by the exec user, and through a real terminal (python's pty running the docker CLI)
// a shell echoes once, follows a resize, and exits with its status; output is drained whole.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync, readlinkSync, statSync } from "node:fs";
import { join } from "node:path";
import { before, describe, it } from "node:test";
import { useBusyboxDaemon } from "../helpers/use-busybox-daemon.ts";

const TERMINABLE = "trap 'exit 0' TERM; while :; do sleep 0.1; done";

// A person at a 33x111 terminal: runs `docker exec -it tt sh`, types, resizes the window to
// 40x100 and runs `stty size` until the shell sees it, interrupts a sleep with ^C, then exits 7.
// Prints the screen.
const SHELL_SESSION = `
import os, pty, sys, time, select, fcntl, termios, struct
pid, fd = pty.fork()
if pid == 0:
    fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", 33, 111, 0, 0))
    os.execvp("docker", ["docker", "exec", "-it", "tt", "sh"])
out = b""
def read_until(token, start, limit):
    global out
    end = time.time() + limit
    while token not in out[start:] and time.time() < end:
        r, _, _ = select.select([fd], [], [], 0.2)
        if r:
            try:
                data = os.read(fd, 4096)
            except OSError:
                return
            if not data:
                return
            out += data
read_until(b"# ", 0, 10)
mark = len(out)
os.write(fd, b"tty; stty size; echo hi$((1+1))\\r")
read_until(b"hi2\\r\\n", mark, 10)
# The next prompt may have come in the same read as hi2.
read_until(b"# ", out.find(b"hi2\\r\\n", mark) + 5, 10)
fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 100, 0, 0))
deadline = time.time() + 10
while time.time() < deadline:
    mark = len(out)
    os.write(fd, b"stty size\\r")
    read_until(b"# ", mark + 12, 5)
    if b"\\n40 100\\r" in out[mark:]:
        break
# ^C reaches the container's pty as a byte: its line discipline interrupts the sleep.
mark = len(out)
os.write(fd, b"echo armed$((1+1)); sleep 30\\r")
read_until(b"armed2\\r\\n", mark, 10)  # the shell gave the terminal to the command
os.write(fd, b"\\x03")
read_until(b"# ", out.find(b"armed2\\r\\n", mark) + 8, 10)
mark = len(out)
os.write(fd, b"echo after$((2+3))\\r")
read_until(b"after5\\r\\n", mark, 10)
os.write(fd, b"exit 7\\r")
read_until(b"\\xff", len(out), 10)
_, status = os.waitpid(pid, 0)
sys.stdout.write(out.decode("utf8", "replace"))
sys.exit(os.waitstatus_to_exitcode(status))
`;

describe("docker exec -t: the container's own pty", () => {
  const daemon = useBusyboxDaemon();
  before(async () => {
    const r = await daemon.docker(["run", "-d", "--name", "tt", "busybox", "sh", "-c", TERMINABLE]);
    assert.equal(r.code, 0, r.stderr);
  });

  it("tty names a pty of the container's devpts; ttyname works", async () => {
    const r = await daemon.docker([
      "exec",
      "-t",
      "tt",
      "sh",
      "-c",
      "tty; readlink /proc/self/fd/1; ls /dev/pts",
    ]);
    assert.equal(r.code, 0, r.stderr);
    const [tty, link, ...pts] = r.stdout.split("\r\n");
    assert.match(tty ?? "", /^\/dev\/pts\/\d+$/, r.stdout);
    assert.equal(link, tty);
    // The container's devpts (newinstance) holds it: its number is listed there.
    assert.ok(
      pts
        .join(" ")
        .split(/\s+/)
        .includes(tty?.slice("/dev/pts/".length) ?? ""),
      r.stdout,
    );
    // Without -t nothing changes: no terminal.
    const plain = await daemon.docker(["exec", "tt", "tty"]);
    assert.equal(plain.stdout, "not a tty\n");
    assert.equal(plain.code, 1);
  });

  it("a shell through a real terminal: echoes once, follows a resize, exits with its status", () => {
    const r = spawnSync("python3", ["-c", SHELL_SESSION], {
      env: { ...process.env, DOCKER_HOST: daemon.host, DOCKER_CONFIG: join(daemon.dir, "docker-config") },
      encoding: "utf8",
      timeout: 40_000,
    });
    assert.equal(r.status, 7, `${r.stdout}\n${r.stderr}`);
    assert.match(r.stdout, /\n\/dev\/pts\/\d+\r\n/, "tty names the container's pty");
    assert.match(r.stdout, /^33 111\r$/m, "the client's size at start");
    assert.match(r.stdout, /^40 100\r$/m, "the size after the resize");
    // The typed line is echoed once (one line discipline, the container pty's), run once.
    assert.equal(r.stdout.split("echo hi$((1+1))").length - 1, 1, r.stdout);
    assert.equal(r.stdout.split("hi2\r\n").length - 1, 1, r.stdout);
    assert.match(r.stdout, /\nafter5\r\n/, "^C interrupted the sleep");
  });

  it("output is drained whole; exit status and death by a signal come through", async () => {
    const seq = await daemon.docker(["exec", "-t", "tt", "sh", "-c", "seq 1 20000; exit 3"]);
    assert.equal(seq.code, 3);
    const lines = seq.stdout.split("\r\n");
    assert.equal(lines.length, 20001, "20000 lines and nothing after the last");
    assert.equal(lines[19999], "20000");
    const killed = await daemon.docker(["exec", "-t", "tt", "sh", "-c", "echo bye; kill -9 $$"]);
    assert.equal(killed.stdout, "bye\r\n");
    assert.equal(killed.code, 137);
  });

  it("the end of stdin does not end the output (berth exec -it, piped input)", async () => {
    const r = await daemon.berth(
      ["exec", "-i", "-t", "tt", "sh", "-c", "sleep 0.3; echo late; read l; echo got:$l"],
      {
        input: "hello\n",
      },
    );
    assert.equal(r.code, 0, r.stderr);
    assert.equal(
      r.stdout,
      "hello\r\nlate\r\ngot:hello\r\n",
      "echoed once by the container's pty, then the output",
    );
    const none = await daemon.berth(["exec", "-i", "-t", "tt", "sh", "-c", "sleep 0.3; echo late"], {
      input: "",
    });
    assert.equal(none.stdout, "late\r\n");
  });

  it("-u 1000: the pty belongs to the exec user (group tty), and is its controlling terminal", async () => {
    const create = await daemon.request("POST", "/containers/tt/exec", {
      Cmd: ["sleep", "30"],
      User: "1000:1000",
      Tty: true,
    });
    assert.equal(create.status, 201);
    const id = create.json<{ Id: string }>().Id;
    assert.equal(
      (await daemon.request("POST", `/exec/${id}/start`, { Detach: true, Tty: true })).status,
      200,
    );
    let pid = 0;
    for (const deadline = Date.now() + 10_000; ;) {
      pid = (await daemon.request("GET", `/exec/${id}/json`)).json<{ Pid: number }>().Pid;
      if (pid > 0 && readFileSync(`/proc/${pid}/comm`, "utf8") === "sleep\n") break;
      assert.ok(Date.now() < deadline, "exec inspect never showed a running sleep");
      await new Promise((res) => setTimeout(res, 20));
    }
    try {
      for (const fd of [0, 1, 2]) {
        // Read from the host: the link is the path inside the container.
        assert.match(readlinkSync(`/proc/${pid}/fd/${fd}`), /^\/dev\/pts\/\d+$/);
        const st = statSync(`/proc/${pid}/fd/${fd}`);
        assert.equal(st.uid, 1000, "owned by the exec user (runc's fixStdioPermissions)");
        assert.equal(st.gid, 5, "the devpts gid=5 (tty) is kept, as runc keeps it");
        // stat(5) field 7 is tty_nr: the controlling terminal is this pty.
        const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
        const ttyNr = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[4]);
        assert.equal(ttyNr, st.rdev);
      }
    } finally {
      process.kill(pid, "SIGKILL");
    }
  });
});

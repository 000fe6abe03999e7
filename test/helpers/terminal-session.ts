// A person at a terminal, for tests of -it: python3's pty module runs a CLI on a real
// pseudo-terminal of 33x111, types each step's keys once the text before them is on the screen,
// and hands back the screen and the exit code.
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { BERTH, type TestDaemon } from "./daemon.ts";

const SCRIPT = `
import os, pty, sys, time, select, fcntl, termios, struct, json
args, steps = json.loads(sys.argv[1]), json.loads(sys.argv[2])
pid, fd = pty.fork()
if pid == 0:
    fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", 33, 111, 0, 0))
    os.execvp(args[0], args)
out = b""
def read_until(token, limit):
    global out
    end = time.time() + limit
    while token.encode() not in out and time.time() < end:
        r, _, _ = select.select([fd], [], [], 0.1)
        if r:
            try:
                data = os.read(fd, 4096)
            except OSError:
                return
            if not data:
                return
            out += data
for expect, keys in steps:
    read_until(expect, 15)
    os.write(fd, keys.encode())
read_until("\\xff", 15)
_, status = os.waitpid(pid, 0)
sys.stdout.write(out.decode("utf8", "replace"))
sys.exit(os.waitstatus_to_exitcode(status))
`;

/**
 * Runs `docker <args>` (or bin/berth when args[0] is "berth") against the daemon on a
 * pseudo-terminal; `steps` are [text to wait for, keys to type] in order. Returns once the CLI
 * has exited (or after 15 s without the expected text).
 */
export function onTerminal(
  daemon: TestDaemon,
  args: string[],
  steps: [string, string][],
): { screen: string; code: number | null; stderr: string } {
  const argv = args[0] === "berth" ? [process.execPath, BERTH, ...args.slice(1)] : ["docker", ...args];
  const r = spawnSync("python3", ["-c", SCRIPT, JSON.stringify(argv), JSON.stringify(steps)], {
    env: { ...process.env, DOCKER_HOST: daemon.host, DOCKER_CONFIG: join(daemon.dir, "docker-config") },
    encoding: "utf8",
    timeout: 60_000,
  });
  return { screen: r.stdout, code: r.status, stderr: r.stderr };
}

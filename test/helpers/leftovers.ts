// What a daemon's containers leave on the host, and polling for it to go: shared by the
// integration tests that check nothing is leaked after rm, crashes and restarts.
import { readdirSync, readFileSync } from "node:fs";
import type { TestDaemon } from "./daemon.ts";

/** conmon processes monitoring containers of this daemon (their command lines name its exec-root). */
export function conmonsOf(daemon: TestDaemon): number {
  return readdirSync("/proc")
    .filter((d) => /^\d+$/.test(d))
    .filter((pid) => {
      try {
        const cmdline = readFileSync(`/proc/${pid}/cmdline`, "utf8");
        return cmdline.startsWith("conmon") || cmdline.includes("/conmon\0")
          ? cmdline.includes(daemon.execRoot)
          : false;
      } catch {
        return false; // exited meanwhile
      }
    }).length;
}

/** Mount points at or below `dir`. */
export function mountsUnder(dir: string): string[] {
  return readFileSync("/proc/self/mountinfo", "utf8")
    .split("\n")
    .map((l) => l.split(" ")[4] ?? "")
    .filter((p) => p.startsWith(dir));
}

/** Polls `check` every 25 ms until it holds; fails naming `what` after `ms`. */
export async function until(
  what: string,
  check: () => Promise<boolean> | boolean,
  ms = 20_000,
): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

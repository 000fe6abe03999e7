// The nice value of the calling thread. On Linux nice is per thread (setpriority(2) with
// PRIO_PROCESS and a thread ID changes that thread alone), which lets the layer worker run ahead
// of the daemon's other threads on a busy machine without touching them.
import { readFileSync, readlinkSync } from "node:fs";
import { getPriority, setPriority } from "node:os";

/** This thread's kernel thread ID, from /proc/thread-self ("<pid>/task/<tid>"); undefined elsewhere. */
export function threadId(): number | undefined {
  try {
    const tid = Number(readlinkSync("/proc/thread-self").split("/").pop());
    return Number.isInteger(tid) && tid > 0 ? tid : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Changes the calling thread's nice value by `delta` (negative: more CPU when threads compete;
 * needs CAP_SYS_NICE). Returns the new value, or undefined when it could not be changed.
 */
export function adjustThreadNice(delta: number): number | undefined {
  const tid = threadId();
  if (tid === undefined) return undefined;
  try {
    const next = Math.max(-20, Math.min(19, getPriority(tid) + delta));
    setPriority(tid, next);
    return next;
  } catch {
    return undefined; // not permitted (an unprivileged daemon): run at the inherited priority
  }
}

/** The nice value of thread `tid` of this process, from /proc (field 19 of stat). */
export function threadNice(tid: number): number {
  const stat = readFileSync(`/proc/self/task/${tid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return Number(fields[16]);
}

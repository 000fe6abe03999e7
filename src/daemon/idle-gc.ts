// One compacting full GC when berthd falls idle after a burst of work (100 `docker run`s):
// V8 lets the old generation grow to 2–4× what the last full GC kept (berthd: ~12 MiB live,
// 28–32 MiB committed after such a burst) and hands the space back only when its memory reducer
// runs, up to ~8 s after the burst. Compacting at the first lull returns it at once (VmRSS with
// 100 running: ~100 → ~80 MiB), and costs one ~20–40 ms GC per 8 MiB of heap growth, never
// during the work (a fixed --heap-growing-percent did that, and cost `docker logs` 40% more CPU).
import type { Server } from "node:http";
import { performance } from "node:perf_hooks";
import { getHeapStatistics, setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

export interface IdleGcOptions {
  /** No request started or ended for this long: idle. */
  readonly idleMs?: number;
  /** Compact only when the committed heap grew this much since the last compaction. */
  readonly minGrowthBytes?: number;
  /** Committed heap bytes (V8's total_heap_size). */
  readonly heapBytes?: () => number;
  /** Runs a compacting full GC. */
  readonly collect?: () => void;
  /**
   * Starts measuring the event loop's busy share; the returned function gives it (0–1) since.
   * A lull in requests while one long request streams (`docker logs` of 100 MB) is no idle time.
   */
  readonly loopUtilization?: () => () => number;
}

export interface IdleGc {
  /** A request started or ended. */
  activity(): void;
  stop(): void;
}

export function createIdleGc(options: IdleGcOptions = {}): IdleGc {
  const idleMs = options.idleMs ?? 300;
  const minGrowth = options.minGrowthBytes ?? 8 * 1024 * 1024;
  const heapBytes = options.heapBytes ?? (() => getHeapStatistics().total_heap_size);
  const collect = options.collect ?? compactingGc();
  const loopUtilization = options.loopUtilization ?? measureLoop;
  let baseline = heapBytes();
  let timer: NodeJS.Timeout | undefined;
  let busySince = loopUtilization();
  const arm = (): void => {
    busySince = loopUtilization();
    if (timer === undefined) {
      timer = setTimeout(idle, idleMs);
      timer.unref();
    } else {
      timer.refresh();
    }
  };
  function idle(): void {
    timer = undefined;
    if (heapBytes() - baseline < minGrowth) return;
    if (busySince() > 0.2) return arm(); // still working: look again later
    collect();
    baseline = heapBytes();
  }
  return {
    activity: arm,
    stop() {
      clearTimeout(timer);
      timer = undefined;
    },
  };
}

function measureLoop(): () => number {
  const start = performance.eventLoopUtilization();
  return () => performance.eventLoopUtilization(start).utilization;
}

/** Counts the server's requests (start and end) as activity. */
export function watchServerActivity(server: Server, gc: IdleGc): void {
  server.on("request", (_req, res) => {
    gc.activity();
    res.once("close", () => gc.activity());
  });
  server.once("close", () => gc.stop());
}

/**
 * A full GC that compacts: V8's plain full GC (the `gc` of --expose-gc) frees the garbage but
 * keeps sparsely used pages committed, so compaction is asked for just for this one collection.
 * Without a `gc` function (flags refused), a no-op.
 */
function compactingGc(): () => void {
  let gc: (() => void) | undefined;
  try {
    setFlagsFromString("--expose-gc");
    // Only contexts created after the flag have the `gc` global.
    gc = runInNewContext("gc") as () => void;
  } catch {
    return () => undefined;
  }
  return () => {
    setFlagsFromString("--compact-on-every-full-gc");
    try {
      gc?.();
    } finally {
      setFlagsFromString("--no-compact-on-every-full-gc");
    }
  };
}

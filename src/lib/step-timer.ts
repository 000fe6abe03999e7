// Wall time per named step of one operation (container start, release, removal), logged as ONE
// debug line when it ends, so a slow `docker run` can be broken down from berthd's log alone
// (`--log-level debug`). Steps that overlap are timed on their own with `track`.
import type { Logger } from "./log.ts";

export interface StepTimer {
  /** Closes the step that ran since the previous mark (or the start) under `name`. */
  step(name: string): void;
  /** Times `work()` under `name` on its own (steps that run concurrently), its synchronous part too. */
  track<T>(name: string, work: () => Promise<T>): Promise<T>;
  /** Logs the steps and the total at debug level; later calls do nothing. */
  done(fields?: Record<string, unknown>): void;
}

export function startStepTimer(log: Logger, msg: string, fields: Record<string, unknown> = {}): StepTimer {
  const t0 = performance.now();
  let last = t0;
  let finished = false;
  const steps: Record<string, number> = {};
  const round = (ms: number): number => Math.round(ms * 10) / 10;
  return {
    step(name) {
      const now = performance.now();
      steps[name] = round((steps[name] ?? 0) + now - last);
      last = now;
    },
    track(name, work) {
      const begin = performance.now();
      const record = (): void => {
        steps[name] = round(performance.now() - begin);
      };
      const running = work();
      running.then(record, record);
      return running;
    },
    done(more = {}) {
      if (finished) return;
      finished = true;
      log.debug(msg, { ...fields, ...more, steps, totalMs: round(performance.now() - t0) });
    },
  };
}

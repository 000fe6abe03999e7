// Runs each running container's healthcheck on its timer (moby daemon/health.go monitor):
// the first probe one interval after start, results folded into State.Health, and a
// "health_status: <status>" event on every change. Timers stop when the container stops,
// dies or pauses (the status then reads unhealthy, as moby's CloseMonitorChannel) and resume on
// unpause and for containers re-adopted after a daemon restart.
import { EventEmitter } from "node:events";
import {
  applyProbeResult,
  goDuration,
  type Health,
  type HealthcheckResult,
  nextProbeDelay,
  type ProbePlan,
  probePlan,
  startingHealth,
} from "../container/index.ts";
import type { Logger } from "../lib/index.ts";
import type { LifecycleStore } from "./container-lifecycle.ts";
import type { ProbeOutcome } from "../runtime/index.ts";

export interface ProbeRunner {
  probe(id: string, argv: readonly string[], timeoutMs: number): Promise<ProbeOutcome>;
}

interface Watch {
  timer: NodeJS.Timeout | undefined;
  stopped: boolean;
}

export class HealthMonitor {
  /** "status" (id, status) whenever a container's health status changes after a probe. */
  readonly events = new EventEmitter();
  private readonly watches = new Map<string, Watch>();

  constructor(
    private readonly store: LifecycleStore,
    private readonly runner: ProbeRunner,
    private readonly log: Logger,
  ) {
    this.events.setMaxListeners(0);
  }

  /** A container (re)started: health resets to starting and probing begins. */
  started(id: string): void {
    const c = this.store.get(id);
    if (!c) return;
    this.halt(id);
    if (!probePlan(c.config.Healthcheck, c.config.Shell)) {
      if (c.state.Health) {
        const { Health: _dropped, ...rest } = c.state;
        this.store.setState(id, rest);
      }
      return;
    }
    this.store.setState(id, { ...c.state, Health: startingHealth(c.state.Health) });
    this.resume(id);
  }

  /** Probing continues with the stored status (unpause, live restore). */
  resume(id: string): void {
    const c = this.store.get(id);
    const plan = c && probePlan(c.config.Healthcheck, c.config.Shell);
    if (!c || !plan || !c.state.Running || c.state.Paused) return;
    this.halt(id);
    if (!c.state.Health) this.store.setState(id, { ...c.state, Health: startingHealth(undefined) });
    const watch: Watch = { timer: undefined, stopped: false };
    this.watches.set(id, watch);
    this.schedule(id, watch, plan);
  }

  /** The container stopped, died or paused: no more probes, and it reads unhealthy. */
  stopped(id: string): void {
    const had = this.halt(id);
    const c = this.store.get(id);
    if (had && c?.state.Health) {
      this.store.setState(id, { ...c.state, Health: { ...c.state.Health, Status: "unhealthy" } });
    }
  }

  /** Daemon shutdown: timers go, stored health stays as it is for the next daemon. */
  close(): void {
    for (const id of [...this.watches.keys()]) this.halt(id);
  }

  private halt(id: string): boolean {
    const watch = this.watches.get(id);
    if (!watch) return false;
    watch.stopped = true;
    clearTimeout(watch.timer);
    this.watches.delete(id);
    return true;
  }

  private schedule(id: string, watch: Watch, plan: ProbePlan): void {
    const c = this.store.get(id);
    if (!c?.state.Health) return;
    const delay = nextProbeDelay(plan, c.state.Health, Date.parse(c.state.StartedAt), Date.now());
    watch.timer = setTimeout(() => {
      void this.probeOnce(id, watch, plan).then(() => {
        if (!watch.stopped) this.schedule(id, watch, plan);
      });
    }, delay);
  }

  private async probeOnce(id: string, watch: Watch, plan: ProbePlan): Promise<void> {
    const start = new Date();
    let result: HealthcheckResult;
    try {
      const outcome = await this.runner.probe(id, plan.argv, plan.timeoutMs);
      result = {
        Start: start.toISOString(),
        End: new Date().toISOString(),
        ExitCode: outcome.exitCode,
        Output: outcome.timedOut
          ? `Health check exceeded timeout (${goDuration(plan.timeoutMs)})`
          : outcome.output,
      };
    } catch (err) {
      result = {
        Start: start.toISOString(),
        End: new Date().toISOString(),
        ExitCode: -1,
        Output: err instanceof Error ? err.message : String(err),
      };
    }
    // The container may have stopped or paused while the probe ran: its result no longer counts.
    const c = this.store.get(id);
    if (watch.stopped || !c?.state.Running || c.state.Paused || !c.state.Health) return;
    const before: Health = c.state.Health;
    const after = applyProbeResult(plan, before, result, Date.parse(c.state.StartedAt));
    this.store.setState(id, { ...c.state, Health: after });
    if (after.Status !== before.Status) {
      this.log.debug("health status changed", { id, status: after.Status });
      this.events.emit("status", id, after.Status);
    }
  }
}

// Container lifecycle over the store and the runtime: start, stop, kill, wait, and the exit
// watcher that records how a container ended. On daemon start, `restore` re-adopts containers
// whose conmon survived (live restore) and records the exits that happened while it was away.
import { EventEmitter } from "node:events";
import type { ContainerConfig, HostConfig } from "../api/types/index.ts";
import {
  type ContainerRecord,
  type ContainerState,
  type ContainerStore,
  parseSignal,
} from "../container/index.ts";
import { conflict, EngineError, type Logger, startStepTimer } from "../lib/index.ts";
import { type ContainerExit, type LogRotator, scanMonitors } from "../runtime/index.ts";
import type { ContainerRuntime, RunnableContainer } from "./container-runtime.ts";
import { decideRestart } from "./restart-policy.ts";
import { startFailureExitCode } from "./start-failure-exit-code.ts";

export type LifecycleStore = ContainerStore<ContainerConfig, HostConfig>;

export type WaitCondition = "not-running" | "next-exit" | "removed";

const notModified = (message: string): EngineError =>
  new EngineError("not-modified", "NOT_MODIFIED", message);
const notRunning = (name: string): EngineError =>
  conflict("CONTAINER_NOT_RUNNING", `Container ${name} is not running`);

export class ContainerLifecycle {
  /**
   * "exit", "removed", "running", "paused", "unpaused", "readopted", "start-failed" and
   * "stop-signal" events, with the container id.
   */
  readonly events = new EventEmitter();
  private readonly watching = new Map<string, AbortController>();
  private readonly rotators = new Map<string, LogRotator>();
  /** Stopped or killed by a user: restart policies leave them alone (moby HasBeenManuallyStopped). */
  private readonly manuallyStopped = new Set<string>();
  private readonly restartDelays = new Map<string, number>();
  private readonly restartTimers = new Map<string, NodeJS.Timeout>();

  constructor(
    private readonly store: LifecycleStore,
    private readonly runtime: ContainerRuntime,
    private readonly execRoot: string,
    private readonly runtimeName: string,
    private readonly log: Logger,
    /** Removes a container (used for --rm once it exits, or when its start failed). */
    private readonly autoRemove: (id: string, startFailed?: boolean) => Promise<void>,
  ) {
    this.events.setMaxListeners(0);
  }

  async start(ref: string): Promise<void> {
    const c = this.store.resolve(ref);
    if (c.state.Running) throw notModified("container already started");
    this.manuallyStopped.delete(c.id);
    this.cancelRestart(c.id);
    try {
      await this.run(c.id);
    } catch (err) {
      // moby containerStart records the failure: State.Error and a non-zero exit code.
      const now = this.store.resolve(c.id);
      if (!now.state.Running) {
        const message = err instanceof Error ? err.message : String(err);
        this.setState(c.id, { ...now.state, ExitCode: startFailureExitCode(message), Error: message });
      }
      // moby closes the container's streams on a failed start: attached clients are let go.
      this.events.emit("start-failed", c.id);
      // moby removes an AutoRemove container whose start failed (`docker run --rm` waits for it).
      if (c.hostConfig.AutoRemove) {
        await this.autoRemove(c.id, true).catch((e: unknown) =>
          this.log.warn("auto-remove failed", { id: c.id, err: e }),
        );
      }
      throw err;
    }
  }

  private async run(id: string): Promise<void> {
    const c = this.store.resolve(id);
    const { pid } = await this.runtime.start(toRunnable(c));
    this.setState(c.id, {
      ...c.state,
      Status: "running",
      Running: true,
      Paused: false,
      Restarting: false,
      OOMKilled: false,
      Dead: false,
      Pid: pid,
      ExitCode: 0,
      Error: "",
      StartedAt: new Date().toISOString(),
    });
    this.watch(c.id);
    this.events.emit("running", c.id);
    this.events.emit("start", c.id);
  }

  /** SIGTERM (or the image's stop signal), then SIGKILL after the timeout, as `docker stop`. */
  async stop(ref: string, timeoutSeconds?: number, signal?: string): Promise<void> {
    const c = this.store.resolve(ref);
    if (signal) parseSignal(signal); // moby daemon/stop.go: a bad ?signal= is a 400, nothing stopped
    this.manuallyStopped.add(c.id);
    if (this.cancelRestart(c.id)) return;
    if (!c.state.Running) throw notModified("container already stopped");
    const timeout = timeoutSeconds ?? c.config.StopTimeout ?? 10;
    const exited = this.nextExit(c.id);
    if (c.state.Paused) await this.unpause(c.id); // a frozen process cannot act on the signal
    // "stop-signal": each signal stop sends, for the kill events moby's containerStop logs.
    if (timeout !== 0) {
      const stopSignal = signal || c.config.StopSignal || "SIGTERM";
      this.events.emit("stop-signal", c.id, stopSignal);
      await this.runtime.kill(c.id, stopSignal).catch(() => undefined);
    }
    const inTime = timeout < 0 ? await exited.then(() => true) : await raceTimeout(exited, timeout * 1000);
    if (!inTime) {
      this.events.emit("stop-signal", c.id, "SIGKILL");
      await this.runtime.kill(c.id, "SIGKILL").catch(() => undefined);
      await exited;
    }
  }

  async kill(ref: string, signal = "SIGKILL"): Promise<void> {
    parseSignal(signal); // moby daemon/kill.go checks the signal first: "Invalid signal: x" (400)
    const c = this.store.resolve(ref);
    if (!c.state.Running) throw notRunning(c.id);
    this.manuallyStopped.add(c.id);
    await this.runtime.kill(c.id, signal);
    if (c.state.Paused) await this.unpause(c.id);
  }

  /** `docker pause` / `unpause`: the freezer cgroup, through the runtime. */
  async pause(ref: string): Promise<void> {
    const c = this.store.resolve(ref);
    if (!c.state.Running) throw notRunning(c.id);
    if (c.state.Paused) throw conflict("CONTAINER_PAUSED", `Container ${c.id} is already paused`);
    await this.runtime.pause(c.id);
    const now = this.store.resolve(c.id);
    this.setState(c.id, { ...now.state, Status: "paused", Paused: true });
    this.events.emit("paused", c.id);
  }

  async unpause(ref: string): Promise<void> {
    const c = this.store.resolve(ref);
    if (!c.state.Paused) throw conflict("CONTAINER_NOT_PAUSED", `Container ${c.id} is not paused`);
    await this.runtime.resume(c.id);
    const now = this.store.resolve(c.id);
    this.setState(c.id, { ...now.state, Status: "running", Paused: false });
    this.events.emit("unpaused", c.id);
  }

  /**
   * `docker wait`: the exit code once the condition holds. `signal` (the client went away) drops
   * the wait: `docker run -d` leaves one behind per container, which otherwise held its closed
   * connection until the container exited.
   */
  async wait(ref: string, condition: WaitCondition, signal?: AbortSignal): Promise<{ StatusCode: number }> {
    const c = this.store.resolve(ref);
    if (condition === "removed") {
      await this.nextEvent("removed", c.id, signal);
      return { StatusCode: this.lastExit.get(c.id) ?? c.state.ExitCode };
    }
    if (condition === "not-running" && !c.state.Running) return { StatusCode: c.state.ExitCode };
    const exit = await this.nextExit(c.id, signal);
    return { StatusCode: exit.exitCode };
  }

  /** Resolves at the container's next exit (rejects if `signal` aborts first). */
  nextExit(id: string, signal?: AbortSignal): Promise<ContainerExit> {
    return this.nextEvent("exit", id, signal);
  }

  /** Resolves when a start of the container fails (rejects if `signal` aborts first). */
  nextStartFailure(id: string, signal?: AbortSignal): Promise<void> {
    return this.nextEvent("start-failed", id, signal);
  }

  private nextEvent<T>(
    event: "exit" | "removed" | "start-failed",
    id: string,
    signal?: AbortSignal,
  ): Promise<T> {
    return new Promise((resolve, reject) => {
      const done = (): void => {
        this.events.off(event, listener);
        signal?.removeEventListener("abort", onAbort);
      };
      const listener = (eventId: string, value: T): void => {
        if (eventId !== id) return;
        done();
        resolve(value);
      };
      const onAbort = (): void => {
        done();
        reject(signal?.reason instanceof Error ? signal.reason : new Error("aborted"));
      };
      if (signal?.aborted) return onAbort();
      this.events.on(event, listener);
      signal?.addEventListener("abort", onAbort);
    });
  }

  /** Called by removal: stops watching, frees the runtime's resources, tells waiters. */
  async removed(id: string): Promise<void> {
    this.watching.get(id)?.abort();
    this.watching.delete(id);
    this.rotators.get(id)?.close();
    this.rotators.delete(id);
    this.cancelRestart(id);
    this.manuallyStopped.delete(id);
    // The row is gone. Its volumes are let go first (a named one is free for `docker volume rm`
    // once `docker run --rm` returns; the caller then drops anonymous ones), then `docker wait
    // --condition removed` is answered. The host-side cleanup (the release of an exited --rm
    // container: runc delete, unmount, namespace and veth; then its files to the trash) runs on
    // in the background: nothing the API shows depends on it, a new container never collides
    // with it (per-id paths; veth names in use are not reused), the daemon's shutdown waits for
    // it (ContainerRuntime.drain) and a killed daemon finishes it at start (sweepOrphans).
    await this.runtime.releaseVolumes(id);
    void this.runtime
      .remove(id)
      .catch((err: unknown) => this.log.warn("cleaning up a removed container", { id, err }));
    this.events.emit("removed", id);
  }

  /** Live restore after a daemon start: re-adopt, or record exits that happened meanwhile. */
  async restore(): Promise<void> {
    const monitors = new Map(
      (await scanMonitors({ execRoot: this.execRoot, runtime: this.runtimeName })).map((m) => [m.id, m]),
    );
    for (const c of this.store.list()) {
      if (!c.state.Running) {
        // A --rm container whose removal a killed daemon did not finish: removed now (moby's
        // restore does the same), so `docker ps -a` never shows it.
        if (c.hostConfig.AutoRemove && c.state.Status === "exited") {
          await this.autoRemove(c.id).catch((err: unknown) =>
            this.log.warn("auto-remove failed", { id: c.id, err }),
          );
          continue;
        }
        // `always` comes back with the daemon even after a manual stop, as in Docker.
        if (c.hostConfig.RestartPolicy?.Name === "always") this.scheduleRestart(c.id, 0);
        continue;
      }
      const m = monitors.get(c.id);
      if (m?.status === "monitored") {
        this.log.info("re-adopted running container", { id: c.id });
        this.watch(c.id);
        this.events.emit("readopted", c.id);
      } else if (m?.status === "exited" && m.exit) {
        await this.recordExit(c.id, m.exit);
      } else {
        // Its monitor died with it: nobody knows the exit code (Docker reports 255 too).
        await this.recordExit(c.id, { exitCode: 255, finishedAt: new Date(), oomKilled: false });
      }
    }
  }

  /** Stops watching exits (daemon shutdown); containers keep running under conmon. */
  close(): void {
    for (const timer of this.restartTimers.values()) clearTimeout(timer);
    this.restartTimers.clear();
    for (const controller of this.watching.values()) controller.abort();
    this.watching.clear();
    for (const rotator of this.rotators.values()) rotator.close();
    this.rotators.clear();
  }

  private readonly lastExit = new Map<string, number>();

  private watch(id: string): void {
    const controller = new AbortController();
    this.watching.set(id, controller);
    this.rotators.get(id)?.close();
    this.rotators.set(id, this.runtime.watchLogs(id, this.store.get(id)?.hostConfig.LogConfig));
    this.runtime
      .waitExit(id, controller.signal)
      .then((exit) => this.recordExit(id, exit))
      .catch((err: unknown) => {
        if (!controller.signal.aborted) this.log.error("waiting for container exit failed", { id, err });
      });
  }

  private async recordExit(id: string, exit: ContainerExit): Promise<void> {
    const timer = startStepTimer(this.log, "container exit steps", {
      id,
      sinceExitMs: Math.round(Date.now() - exit.finishedAt.getTime()),
    });
    this.watching.delete(id);
    this.rotators.get(id)?.close();
    this.rotators.delete(id);
    const c = this.store.get(id);
    if (!c) return;
    this.setState(id, {
      ...c.state,
      Status: "exited",
      Running: false,
      Paused: false,
      Pid: 0,
      ExitCode: exit.exitCode,
      OOMKilled: exit.oomKilled,
      FinishedAt: exit.finishedAt.toISOString(),
    });
    this.lastExit.set(id, exit.exitCode);
    timer.step("setState");
    const ranFor = exit.finishedAt.getTime() - Date.parse(c.state.StartedAt);
    const decision = decideRestart(
      c.hostConfig.RestartPolicy,
      exit.exitCode,
      c.restartCount,
      this.manuallyStopped.has(id),
      this.restartDelays.get(id) ?? 0,
      Number.isNaN(ranFor) ? 0 : ranFor,
    );
    const removeNow = !decision.restart && c.hostConfig.AutoRemove === true;
    // A container that stays (stopped, or restarting) is released before its exit is reported:
    // whoever acts on the exit (`docker stop` returning, `docker cp`, a restart) finds its
    // rootfs, namespace and runtime state gone. A --rm container is removed instead, and its
    // release (runc delete, unmount, namespace and veth) is left to the removal, which runs it
    // after the row is gone and `docker run --rm` has its answer (see removed()); a daemon
    // killed before the row is deleted removes it at its next start (restore), one killed after
    // finishes the release then (ContainerRuntime.sweepOrphans).
    if (!removeNow) {
      await this.runtime
        .release(id)
        .catch((err: unknown) => this.log.warn("releasing container", { id, err }));
    }
    timer.step("release");
    this.events.emit("exit", id, exit);
    timer.step("emitExit");
    if (decision.restart) {
      this.restartDelays.set(id, decision.delayMs);
      this.scheduleRestart(id, decision.delayMs);
      timer.done();
      return;
    }
    if (removeNow) {
      await this.autoRemove(id).catch(async (err: unknown) => {
        this.log.warn("auto-remove failed", { id, err });
        // It stays (or another removal has it): released as any stopped container.
        await this.runtime
          .releaseOnce(id)
          .catch((e: unknown) => this.log.warn("releasing container", { id, err: e }));
      });
      timer.step("autoRemove");
    }
    timer.done();
  }

  /** Starts the container again after `delayMs`, showing it as restarting meanwhile. */
  private scheduleRestart(id: string, delayMs: number): void {
    const c = this.store.get(id);
    if (!c) return;
    this.setState(id, { ...c.state, Status: "restarting", Restarting: true });
    const timer = setTimeout(() => {
      this.restartTimers.delete(id);
      const current = this.store.get(id);
      if (!current || current.state.Running) return;
      this.store.setRestartCount(id, current.restartCount + 1);
      this.run(id).catch((err: unknown) => {
        this.log.warn("restart failed", { id, err });
        const now = this.store.get(id);
        if (now) this.setState(id, { ...now.state, Status: "exited", Restarting: false, Error: String(err) });
      });
    }, delayMs);
    this.restartTimers.set(id, timer);
  }

  /** Cancels a pending restart; true if one was pending (the container is then just stopped). */
  private cancelRestart(id: string): boolean {
    const timer = this.restartTimers.get(id);
    if (timer === undefined) return false;
    clearTimeout(timer);
    this.restartTimers.delete(id);
    const c = this.store.get(id);
    if (c) this.setState(id, { ...c.state, Status: "exited", Restarting: false });
    return true;
  }

  private setState(id: string, state: ContainerState): void {
    this.store.setState(id, state);
  }
}

function toRunnable(c: ContainerRecord<ContainerConfig, HostConfig>): RunnableContainer {
  return { id: c.id, imageId: c.imageId, config: c.config, hostConfig: c.hostConfig };
}

/** True if `promise` settled within `ms`. */
async function raceTimeout(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([promise.then(() => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

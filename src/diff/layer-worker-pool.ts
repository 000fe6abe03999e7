// A small pool of layer worker threads. Workers are kept for a while after a job (unref'd, so
// they never hold the process open): starting one costs tens of milliseconds from the bundle
// and far more under tsx. Each worker runs one layer at a time; concurrent calls get their own.
import { Worker } from "node:worker_threads";
import { internal, toEngineError } from "../lib/index.ts";
import type { ApplyLayerResult, LayerSource } from "./apply-layer-in-process.ts";
import type { LayerWorkerReply, LayerWorkerRequest } from "./layer-worker-protocol.ts";
import { deserializeError } from "./layer-worker-protocol.ts";

export interface LayerWorkerPoolOptions {
  /** Idle workers kept at most (default 2). */
  maxIdle?: number;
  /**
   * How long an idle worker is kept (default 10 s): long enough for the layers of one pull or
   * load, short enough that an idle daemon does not hold the threads' heaps (~10 MB each).
   */
  idleMs?: number;
}

export class LayerWorkerPool {
  readonly #idle: Worker[] = [];
  readonly #timers = new Map<Worker, NodeJS.Timeout>();
  readonly #maxIdle: number;
  readonly #idleMs: number;
  #nextId = 1;

  constructor(options: LayerWorkerPoolOptions = {}) {
    this.#maxIdle = options.maxIdle ?? 2;
    this.#idleMs = options.idleMs ?? 10_000;
  }

  run(source: LayerSource, dest: string, signal?: AbortSignal): Promise<ApplyLayerResult> {
    if (signal?.aborted === true) return Promise.reject(toEngineError(signal.reason));
    const worker = this.#take();
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      const done = (): void => {
        worker.off("message", onMessage);
        worker.off("error", onError);
        worker.off("exit", onExit);
        signal?.removeEventListener("abort", onAbort);
      };
      const onMessage = (reply: LayerWorkerReply): void => {
        if (reply.id !== id) return;
        done();
        this.#release(worker);
        if (reply.ok) resolve(reply.result);
        else reject(deserializeError(reply.error));
      };
      const onError = (err: unknown): void => {
        done();
        void worker.terminate();
        reject(toEngineError(err));
      };
      const onExit = (code: number): void => {
        done();
        reject(internal("LAYER_WORKER_EXITED", `layer worker exited with code ${code} before replying`));
      };
      // Terminating is the only way to stop synchronous work; the caller removes the half-written dir.
      const onAbort = (): void => {
        done();
        void worker.terminate();
        reject(toEngineError(signal?.reason));
      };
      worker.on("message", onMessage);
      worker.once("error", onError);
      worker.once("exit", onExit);
      signal?.addEventListener("abort", onAbort, { once: true });
      worker.ref();
      const request: LayerWorkerRequest = { id, source, dest };
      worker.postMessage(request);
    });
  }

  /** Terminates the idle workers (busy ones finish their job first, then are not kept). */
  async close(): Promise<void> {
    const idle = this.#idle.splice(0);
    for (const timer of this.#timers.values()) clearTimeout(timer);
    this.#timers.clear();
    await Promise.all(idle.map((worker) => worker.terminate()));
  }

  #take(): Worker {
    const worker = this.#idle.pop();
    if (worker === undefined) return this.#start();
    clearTimeout(this.#timers.get(worker));
    this.#timers.delete(worker);
    return worker;
  }

  #release(worker: Worker): void {
    if (this.#idle.length >= this.#maxIdle) {
      void worker.terminate();
      return;
    }
    worker.unref();
    this.#idle.push(worker);
    const timer = setTimeout(() => this.#drop(worker, true), this.#idleMs);
    timer.unref();
    this.#timers.set(worker, timer);
  }

  #drop(worker: Worker, terminate: boolean): void {
    const at = this.#idle.indexOf(worker);
    if (at >= 0) this.#idle.splice(at, 1);
    clearTimeout(this.#timers.get(worker));
    this.#timers.delete(worker);
    if (terminate) void worker.terminate();
  }

  #start(): Worker {
    const worker = startLayerWorker();
    worker.on("exit", () => this.#drop(worker, false)); // an idle worker that died is not reused
    return worker;
  }
}

/**
 * The worker lives next to this module: src/diff/layer-worker.ts under tsx, or
 * dist/layer-worker.mjs beside the bundle that contains this code.
 */
function startLayerWorker(): Worker {
  const self = import.meta.url;
  if (!self.endsWith(".ts")) return new Worker(new URL("./layer-worker.mjs", self));
  // From source: Node 20 does not give workers the main thread's tsx hooks, so the worker
  // registers them itself before importing the TypeScript entry.
  const tsx = import.meta.resolve("tsx/esm/api");
  const entry = new URL("./layer-worker.ts", self).href;
  const boot = `import { register } from ${JSON.stringify(tsx)}; register(); await import(${JSON.stringify(entry)});`;
  return new Worker(new URL(`data:text/javascript,${encodeURIComponent(boot)}`));
}

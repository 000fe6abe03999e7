// applyLayer: unpacks a layer blob into an empty directory on a worker thread and returns its
// DiffID and size. The worker is found next to this module: src/diff/layer-worker.ts when
// running from source under tsx, dist/layer-worker.mjs next to the daemon's bundle otherwise.
import { Worker } from "node:worker_threads";
import { internal, toEngineError } from "../lib/index.ts";
import type { ApplyLayerResult } from "./apply-layer-in-process.ts";
import type { LayerWorkerReply, LayerWorkerRequest } from "./layer-worker-protocol.ts";
import { deserializeError } from "./layer-worker-protocol.ts";

export interface ApplyLayerOptions {
  /** Aborting terminates the worker; the destination is then left half-written for the caller to remove. */
  signal?: AbortSignal;
}

export function applyLayer(blobPath: string, dest: string, options: ApplyLayerOptions = {}): Promise<ApplyLayerResult> {
  const { signal } = options;
  if (signal?.aborted === true) return Promise.reject(toEngineError(signal.reason));
  return new Promise((resolve, reject) => {
    const worker = startLayerWorker({ blobPath, dest });
    let settled = false;
    const settle = (fn: () => void): void => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener("abort", onAbort);
      fn();
    };
    const onAbort = (): void => {
      void worker.terminate();
      settle(() => reject(toEngineError(signal?.reason)));
    };
    signal?.addEventListener("abort", onAbort, { once: true });
    worker.once("message", (reply: LayerWorkerReply) =>
      settle(() => (reply.ok ? resolve(reply.result) : reject(deserializeError(reply.error)))),
    );
    worker.once("error", (err) => settle(() => reject(toEngineError(err))));
    worker.once("exit", (code) =>
      settle(() => reject(internal("LAYER_WORKER_EXITED", `layer worker exited with code ${code} before replying`))),
    );
  });
}

function startLayerWorker(request: LayerWorkerRequest): Worker {
  const self = import.meta.url;
  if (!self.endsWith(".ts")) return new Worker(new URL("./layer-worker.mjs", self), { workerData: request });
  // From source: Node 20 does not give workers the main thread's tsx hooks, so the worker
  // registers them itself before importing the TypeScript entry.
  const tsx = import.meta.resolve("tsx/esm/api");
  const entry = new URL("./layer-worker.ts", self).href;
  const boot = `import { register } from ${JSON.stringify(tsx)}; register(); await import(${JSON.stringify(entry)});`;
  return new Worker(new URL(`data:text/javascript,${encodeURIComponent(boot)}`), { workerData: request });
}

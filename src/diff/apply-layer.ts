// applyLayer: unpacks a layer blob into an empty directory on a worker thread (see
// layer-worker-pool.ts) and returns its DiffID and unpacked size.
import type { ApplyLayerResult, LayerSource } from "./apply-layer-in-process.ts";
import { LayerWorkerPool } from "./layer-worker-pool.ts";

export interface ApplyLayerOptions {
  /** Aborting terminates the worker; the destination is left half-written for the caller to remove. */
  signal?: AbortSignal;
}

const pool = new LayerWorkerPool();

export function applyLayer(
  source: LayerSource,
  dest: string,
  options: ApplyLayerOptions = {},
): Promise<ApplyLayerResult> {
  return pool.run(source, dest, options.signal);
}

/** Stops idle layer workers (daemon shutdown); later calls start new ones. */
export function closeLayerWorkers(): Promise<void> {
  return pool.close();
}

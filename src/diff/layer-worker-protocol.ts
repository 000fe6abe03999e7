// Messages between the layer worker pool and its worker threads. Errors cross the thread
// boundary as plain data and become EngineErrors again on the other side.
import type { ErrorCategory } from "../lib/index.ts";
import { EngineError, toEngineError } from "../lib/index.ts";
import type { ApplyLayerResult, LayerSource } from "./apply-layer-in-process.ts";

export interface LayerWorkerRequest {
  id: number;
  source: LayerSource;
  dest: string;
}

export interface SerializedError {
  category: ErrorCategory;
  code: string;
  message: string;
  stack?: string;
}

export type LayerWorkerReply =
  { id: number; ok: true; result: ApplyLayerResult } | { id: number; ok: false; error: SerializedError };

export function serializeError(err: unknown): SerializedError {
  const e = toEngineError(err);
  return e.stack === undefined
    ? { category: e.category, code: e.code, message: e.message }
    : { category: e.category, code: e.code, message: e.message, stack: e.stack };
}

export function deserializeError(data: SerializedError): EngineError {
  const err = new EngineError(data.category, data.code, data.message);
  if (data.stack !== undefined) err.stack = data.stack;
  return err;
}

// The one error type of berth. Every failure that crosses a module boundary is an EngineError
// with a stable `code` and a category; the API server maps the category to an HTTP status in
// exactly one place (src/api/server/error-status.ts), as moby's errdefs does.

export type ErrorCategory =
  | "invalid-argument"
  | "not-found"
  | "conflict"
  | "unauthorized"
  | "forbidden"
  | "unavailable"
  | "not-implemented"
  | "not-modified"
  | "internal";

export interface EngineErrorOptions {
  cause?: unknown;
}

export class EngineError extends Error {
  override readonly name = "EngineError";
  constructor(
    readonly category: ErrorCategory,
    readonly code: string,
    message: string,
    options: EngineErrorOptions = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
  }
}

export function isEngineError(err: unknown): err is EngineError {
  return err instanceof EngineError;
}

/** Wraps anything thrown into an EngineError, keeping EngineErrors as they are. */
export function toEngineError(err: unknown): EngineError {
  if (err instanceof EngineError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new EngineError("internal", "INTERNAL", message, { cause: err });
}

export const invalidArgument = (code: string, message: string, options?: EngineErrorOptions): EngineError =>
  new EngineError("invalid-argument", code, message, options);
export const notFound = (code: string, message: string, options?: EngineErrorOptions): EngineError =>
  new EngineError("not-found", code, message, options);
export const conflict = (code: string, message: string, options?: EngineErrorOptions): EngineError =>
  new EngineError("conflict", code, message, options);
export const internal = (code: string, message: string, options?: EngineErrorOptions): EngineError =>
  new EngineError("internal", code, message, options);
export const notImplemented = (code: string, message: string, options?: EngineErrorOptions): EngineError =>
  new EngineError("not-implemented", code, message, options);
export const unavailable = (code: string, message: string, options?: EngineErrorOptions): EngineError =>
  new EngineError("unavailable", code, message, options);

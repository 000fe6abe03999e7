// The ONE mapping from error category to HTTP status (moby's errdefs/http_helpers.go does the same).
import type { ErrorCategory } from "../../lib/index.ts";

const STATUS: Record<ErrorCategory, number> = {
  "invalid-argument": 400,
  unauthorized: 401,
  forbidden: 403,
  "not-found": 404,
  conflict: 409,
  "not-modified": 304,
  internal: 500,
  "not-implemented": 501,
  unavailable: 503,
};

export function statusForCategory(category: ErrorCategory): number {
  return STATUS[category];
}

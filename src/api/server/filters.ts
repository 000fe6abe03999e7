// The `filters` query parameter: JSON map of key -> values. Two encodings exist on the wire:
// {"key":{"value":true}} (current) and {"key":["value"]} (API < 1.22 clients, still sent by some SDKs).
import { invalidArgument } from "../../lib/index.ts";

export type Filters = Map<string, string[]>;

export function parseFilters(raw: string | null, allowed: readonly string[]): Filters {
  const filters: Filters = new Map();
  if (raw === null || raw === "") return filters;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw invalidArgument("INVALID_FILTER", `invalid filter: ${raw}`);
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    throw invalidArgument("INVALID_FILTER", `invalid filter: ${raw}`);
  }
  for (const [key, value] of Object.entries(parsed)) {
    if (!allowed.includes(key)) throw invalidArgument("INVALID_FILTER", `invalid filter '${key}'`);
    const values = Array.isArray(value)
      ? value.map(String)
      : value !== null && typeof value === "object"
        ? Object.entries(value)
            .filter(([, on]) => on === true)
            .map(([v]) => v)
        : [];
    filters.set(key, values);
  }
  return filters;
}

/** Docker's boolean filter values ("true"/"1"/"false"/"0"); anything else is an error. */
export function filterBool(key: string, value: string): boolean {
  const v = value.toLowerCase();
  if (v === "true" || v === "1") return true;
  if (v === "false" || v === "0") return false;
  throw invalidArgument("INVALID_FILTER", `invalid filter '${key}=${value}'`);
}

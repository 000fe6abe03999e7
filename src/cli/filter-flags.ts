// `--filter k=v` flags, as the Engine API's `filters` query parameter takes them.

/** `--filter k=v` values as the API's filters map (values repeat per key). */
export function toFilters(values: readonly string[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const v of values) {
    const eq = v.indexOf("=");
    const key = eq < 0 ? v : v.slice(0, eq);
    (out[key] ??= []).push(eq < 0 ? "" : v.slice(eq + 1));
  }
  return out;
}

/** The `filters` query parameter: the map as JSON, or left out when it is empty. */
export function filtersParam(filters: Record<string, string[]>): string | undefined {
  return Object.keys(filters).length > 0 ? JSON.stringify(filters) : undefined;
}

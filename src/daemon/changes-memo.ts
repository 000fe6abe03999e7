// A value derived from what the metadata db holds, built again only after a write: list answers
// (`docker images`, `docker ps`) are asked for far more often than images or containers change.
// The key is the db's change count (metadata/change-count.ts), which every insert, update and
// delete of any table moves, so no mutation path can be forgotten.

/**
 * Memoizes `build()` on `changes()`. `build` must read the db synchronously before its first
 * await (the value is then the db's state at the count read just before). Inside a transaction
 * (`changes()` undefined) nothing is cached.
 */
export function memoByChanges<T>(
  changes: () => number | undefined,
  build: () => T | Promise<T>,
): () => Promise<T> {
  let cached: { key: number; value: T } | undefined;
  return async () => {
    const key = changes();
    if (key !== undefined && cached?.key === key) return cached.value;
    const value = await build();
    if (key !== undefined) cached = { key, value };
    return value;
  };
}

// Serialized JSON remembered per object, for list answers served again and again from cached
// wire objects (`docker ps`, `docker images`): stringifying 100-200 summaries was a large part
// of each answer. A recorded object is frozen (deeply) when recorded, so its text cannot drift
// from its value.
const texts = new WeakMap<object, string>();

/** Freezes `value` and everything below it (plain data: objects and arrays). */
export function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

/** Freezes `value` deeply and records its JSON text; returns it. */
export function withJsonText<T extends object>(value: T): T {
  deepFreeze(value);
  texts.set(value, JSON.stringify(value));
  return value;
}

/**
 * Records `text` as the JSON of an already deeply frozen `value` (a caller that assembles the
 * text from recorded parts). The caller guarantees text === JSON.stringify(value).
 */
export function recordJsonText<T extends object>(value: T, text: string): T {
  texts.set(value, text);
  return value;
}

/** JSON.stringify(items), reusing the recorded text of each item that has one. */
export function stringifyList(items: readonly unknown[]): string {
  let out = "[";
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    const text = typeof item === "object" && item !== null ? texts.get(item) : undefined;
    if (i > 0) out += ",";
    out += text ?? JSON.stringify(item) ?? "null";
  }
  return `${out}]`;
}

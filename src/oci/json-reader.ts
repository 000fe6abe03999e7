// Checked reads from untrusted JSON documents. Every failure names the document kind and the field
// path (e.g. `invalid image manifest: layers[2].size: ...`) so a user can find the bad byte.
// config.md "Properties": an OPTIONAL field set to null is the same as absent, so opt* map null to
// undefined.
import { invalidDocument } from "../lib/index.ts";

export type JsonObject = Record<string, unknown>;

export function isJsonObject(v: unknown): v is JsonObject {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

export class JsonReader {
  constructor(readonly kind: string) {}

  fail(path: string, why: string): never {
    throw invalidDocument(this.kind, path === "" ? why : `${path}: ${why}`);
  }

  /** Decodes and parses a document after checking its size against `maxBytes`. */
  parse(input: Uint8Array | string, maxBytes: number): JsonObject {
    const bytes = typeof input === "string" ? Buffer.byteLength(input) : input.byteLength;
    if (bytes > maxBytes) this.fail("", `document is ${bytes} bytes, more than the ${maxBytes} allowed`);
    let value: unknown;
    try {
      value = JSON.parse(typeof input === "string" ? input : utf8.decode(input));
    } catch (err) {
      throw invalidDocument(
        this.kind,
        `not valid JSON (${err instanceof Error ? err.message : String(err)})`,
        err,
      );
    }
    if (!isJsonObject(value)) this.fail("", "expected a JSON object");
    return value;
  }

  object(v: unknown, path: string): JsonObject {
    if (!isJsonObject(v)) this.fail(path, `expected an object, got ${describe(v)}`);
    return v;
  }

  optObject(obj: JsonObject, key: string, path: string): JsonObject | undefined {
    const v = obj[key];
    return v == null ? undefined : this.object(v, join(path, key));
  }

  string(obj: JsonObject, key: string, path: string): string {
    const v = obj[key];
    if (typeof v !== "string") this.fail(join(path, key), `expected a string, got ${describe(v)}`);
    return v;
  }

  optString(obj: JsonObject, key: string, path: string): string | undefined {
    return obj[key] == null ? undefined : this.string(obj, key, path);
  }

  optBoolean(obj: JsonObject, key: string, path: string): boolean | undefined {
    const v = obj[key];
    if (v == null) return undefined;
    if (typeof v !== "boolean") this.fail(join(path, key), `expected a boolean, got ${describe(v)}`);
    return v;
  }

  /** An integer that JavaScript represents exactly. */
  optInteger(obj: JsonObject, key: string, path: string): number | undefined {
    const v = obj[key];
    if (v == null) return undefined;
    if (typeof v !== "number" || !Number.isSafeInteger(v)) {
      this.fail(join(path, key), `expected an integer, got ${describe(v)}`);
    }
    return v;
  }

  array(obj: JsonObject, key: string, path: string): unknown[] {
    const v = obj[key];
    if (!Array.isArray(v)) this.fail(join(path, key), `expected an array, got ${describe(v)}`);
    return v;
  }

  optArray(obj: JsonObject, key: string, path: string): unknown[] | undefined {
    return obj[key] == null ? undefined : this.array(obj, key, path);
  }

  optStringArray(obj: JsonObject, key: string, path: string): string[] | undefined {
    const items = this.optArray(obj, key, path);
    if (items === undefined) return undefined;
    return items.map((item, i) => {
      if (typeof item !== "string")
        this.fail(`${join(path, key)}[${i}]`, `expected a string, got ${describe(item)}`);
      return item;
    });
  }

  /** A string-to-string map (annotations, labels). Built with fromEntries: `__proto__` stays a key. */
  optStringMap(obj: JsonObject, key: string, path: string): Record<string, string> | undefined {
    const map = this.optObject(obj, key, path);
    if (map === undefined) return undefined;
    return Object.fromEntries(
      Object.entries(map).map(([k, v]) => {
        if (typeof v !== "string") this.fail(`${join(path, key)}[${JSON.stringify(k)}]`, `expected a string`);
        return [k, v];
      }),
    );
  }

  /** Go's `map[string]struct{}` (ExposedPorts, Volumes): keys matter, values are `{}`. */
  optKeySet(obj: JsonObject, key: string, path: string): Record<string, Record<string, never>> | undefined {
    const map = this.optObject(obj, key, path);
    if (map === undefined) return undefined;
    return Object.fromEntries(
      Object.entries(map).map(([k, v]) => {
        if (v != null && !isJsonObject(v))
          this.fail(`${join(path, key)}[${JSON.stringify(k)}]`, "expected {}");
        return [k, {}];
      }),
    );
  }
}

export function join(path: string, key: string): string {
  return path === "" ? key : `${path}.${key}`;
}

function describe(v: unknown): string {
  if (v === undefined) return "nothing";
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  if (typeof v === "string") return `the string ${JSON.stringify(v.length > 40 ? v.slice(0, 40) + "…" : v)}`;
  if (typeof v === "number") return `the number ${v}`;
  return `a ${typeof v}`;
}

type Defined<T> = { [K in keyof T as undefined extends T[K] ? never : K]: T[K] } & {
  [K in keyof T as undefined extends T[K] ? K : never]?: Exclude<T[K], undefined>;
};

/** Drops undefined members so the result fits optional properties under exactOptionalPropertyTypes. */
export function compact<T extends object>(o: T): Defined<T> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) out[k] = v;
  return out as Defined<T>;
}

// How JavaScript values stand in for Go values in templates and fmt verbs.
//
//   null / undefined      nil
//   boolean               bool
//   number                int when Number.isInteger, else float64
//   GoFloat               float64 (for integral floats such as 1e6)
//   bigint                int64
//   string                string
//   array                 slice ([]interface {})
//   Map, plain object     map (Go sorts map keys when printing and ranging)
//   other object          struct (a class instance, or an object tagged with
//                         goStruct); a missing field is an error, as in Go
//   function property     method, called with the template's arguments

/**
 * A float64 that holds an integral value: JavaScript cannot tell 3.0 from 3,
 * and Go prints them differently (1e+06 against 1000000).
 */
export class GoFloat {
  constructor(readonly value: number) {}
  valueOf(): number {
    return this.value;
  }
  toJSON(): number {
    return this.value;
  }
}

/**
 * Marks what a row's toJSON returns: docker's list contexts have their own MarshalJSON, whose
 * json.Marshal escapes <, > and & even where the json function turned HTML escaping off.
 */
export const htmlEscapedJSON: unique symbol = Symbol("berth.htmlEscapedJSON");

/** Tag naming the Go type of a struct-like object; used in error messages. */
export const goTypeTag: unique symbol = Symbol("berth.goType");

export type GoKind = "nil" | "bool" | "int" | "float" | "string" | "slice" | "map" | "struct" | "func";

/** Marks `value` as a Go struct named `typeName` (missing fields error). */
export function goStruct<T extends object>(typeName: string, value: T): T {
  Object.defineProperty(value, goTypeTag, { value: typeName, enumerable: false });
  return value;
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== "object" || v === null || Array.isArray(v)) return false;
  const proto: unknown = Object.getPrototypeOf(v);
  return (proto === Object.prototype || proto === null) && !(goTypeTag in v);
}

export function kindOf(v: unknown): GoKind {
  if (v === null || v === undefined) return "nil";
  switch (typeof v) {
    case "boolean":
      return "bool";
    case "number":
      return Number.isInteger(v) ? "int" : "float";
    case "bigint":
      return "int";
    case "string":
      return "string";
    case "function":
      return "func";
    default:
      break;
  }
  if (v instanceof GoFloat) return "float";
  if (Array.isArray(v)) return "slice";
  if (v instanceof Map || isPlainObject(v)) return "map";
  return "struct";
}

/** Go's spelling of the dynamic type, as fmt's %T and error messages show it. */
export function typeName(v: unknown): string {
  switch (kindOf(v)) {
    case "nil":
      return "<nil>";
    case "bool":
      return "bool";
    case "int":
      return typeof v === "bigint" ? "int64" : "int";
    case "float":
      return "float64";
    case "string":
      return "string";
    case "slice":
      return (v as unknown[]).every((e) => typeof e === "string") && (v as unknown[]).length > 0
        ? "[]string"
        : "[]interface {}";
    case "map":
      return "map[string]interface {}";
    case "func":
      return "func";
    case "struct": {
      const tag = (v as { [goTypeTag]?: unknown })[goTypeTag];
      if (typeof tag === "string") return tag;
      const name = (v as object).constructor.name;
      return name === "" || name === "Object" ? "struct" : name;
    }
  }
}

/** Entries of a map value, keys sorted the way Go's fmt and range sort them. */
export function mapEntries(v: unknown): [string | number, unknown][] {
  const entries: [string | number, unknown][] =
    v instanceof Map
      ? [...(v as Map<string | number, unknown>).entries()]
      : Object.entries(v as Record<string, unknown>);
  return entries.sort(([a], [b]) => compareKeys(a, b));
}

function compareKeys(a: string | number, b: string | number): number {
  if (typeof a === "number" && typeof b === "number") return a - b;
  const sa = String(a);
  const sb = String(b);
  return sa < sb ? -1 : sa > sb ? 1 : 0;
}

/** Reads map key `key`; `found` is false when absent. */
export function mapGet(m: unknown, key: unknown): { found: boolean; value: unknown } {
  if (m instanceof Map) {
    return { found: m.has(key), value: m.get(key) };
  }
  const rec = m as Record<string, unknown>;
  const k = String(key);
  const found = Object.prototype.hasOwnProperty.call(rec, k);
  return { found, value: found ? rec[k] : undefined };
}

export function mapSize(m: unknown): number {
  return m instanceof Map ? m.size : Object.keys(m as object).length;
}

/** Own fields of a struct-like object in declaration order, methods left out. */
export function structFields(v: object): [string, unknown][] {
  return Object.entries(v).filter(([, f]) => typeof f !== "function");
}

/** Whether struct `v` has a field or method `name` (never Object.prototype's). */
export function hasMember(v: object, name: string): boolean {
  for (
    let o: object | null = v;
    o !== null && o !== Object.prototype;
    o = Object.getPrototypeOf(o) as object | null
  ) {
    if (Object.prototype.hasOwnProperty.call(o, name)) return true;
  }
  return false;
}

/** text/template's notion of truth: the zero value and empty containers are false. */
export function isTrue(v: unknown): boolean {
  switch (kindOf(v)) {
    case "nil":
      return false;
    case "bool":
      return v === true;
    case "int":
    case "float":
      return typeof v === "bigint" ? v !== 0n : Number(v) !== 0;
    case "string":
      return v !== "";
    case "slice":
      return (v as unknown[]).length > 0;
    case "map":
      return mapSize(v) > 0;
    default:
      return true;
  }
}

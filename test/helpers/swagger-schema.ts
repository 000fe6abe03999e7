// Converts Swagger 2.0 schema objects into JSON Schema (draft 2019-09) that ajv compiles.
// Swagger 2.0 differs from JSON Schema in a few places that matter for validation:
// `x-nullable` is its only way to allow null, `type: "file"` means "any bytes", and vendor
// keys (`x-go-name`, `example`, ...) are annotations. Everything else passes through.

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export interface ConvertOptions {
  /** Base URI of the schema that holds the converted definitions, for `$ref` rewriting. */
  refBase: string;
  /** Suffix naming the open variant of a definition (for use inside allOf) in forbidUnknown mode. */
  openSuffix: string;
  /** Add `unevaluatedProperties: false` to object schemas without `additionalProperties`. */
  forbidUnknown: boolean;
}

const SWAGGER_DEFINITIONS = "#/definitions/";

// Keywords whose value is a map of name -> schema.
const SCHEMA_MAPS = new Set(["properties", "patternProperties", "definitions"]);
// Keywords whose value is a single schema (or, for items, possibly a list of schemas).
const SCHEMA_SINGLE = new Set(["items", "additionalProperties", "not"]);
const SCHEMA_LISTS = new Set(["allOf", "anyOf", "oneOf"]);
// Annotations that only document; dropped so nothing in ajv ever interprets them.
const DROPPED = new Set(["example", "examples", "externalDocs", "xml", "discriminator", "readOnly"]);

export function isJsonObject(value: Json | undefined): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Converts one schema. `closed` says whether this schema describes a whole JSON object by itself
 * (so unknown properties may be rejected here) or is one part of an `allOf` (so the parent
 * decides, as `unevaluatedProperties` in a part cannot see its siblings' properties).
 */
export function convertSchema(node: Json, options: ConvertOptions, closed = true): Json {
  if (!isJsonObject(node)) return node;
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(node)) {
    if (key.startsWith("x-") || DROPPED.has(key)) continue;
    if (key === "$ref" && typeof value === "string") {
      out.$ref = rewriteRef(value, options, closed);
    } else if (key === "type" && value === "file") {
      // Swagger's binary response body: no constraint on the value.
    } else if (SCHEMA_MAPS.has(key) && isJsonObject(value)) {
      out[key] = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, convertSchema(v, options)]));
    } else if (SCHEMA_SINGLE.has(key)) {
      out[key] = Array.isArray(value)
        ? value.map((v) => convertSchema(v, options))
        : convertSchema(value, options);
    } else if (SCHEMA_LISTS.has(key) && Array.isArray(value)) {
      // allOf parts are pieces of one object; anyOf/oneOf alternatives each stand alone.
      out[key] = value.map((v) => convertSchema(v, options, key !== "allOf"));
    } else {
      out[key] = value;
    }
  }
  if (options.forbidUnknown && closed && describesObject(out) && !("additionalProperties" in out)) {
    out.unevaluatedProperties = false;
  }
  return node["x-nullable"] === true ? allowNull(out) : out;
}

// A plain typed schema just gains "null" as a type (clearer errors); anything else is wrapped.
function allowNull(schema: JsonObject): JsonObject {
  if (typeof schema.type === "string" && !("$ref" in schema) && !("allOf" in schema)) {
    const nullable: JsonObject = { ...schema, type: [schema.type, "null"] };
    if (Array.isArray(schema.enum)) nullable.enum = [...schema.enum, null];
    return nullable;
  }
  return { anyOf: [{ type: "null" }, schema] };
}

function describesObject(schema: JsonObject): boolean {
  // A bare `type: object` is a free-form map (e.g. driver options): never closed.
  return "properties" in schema || "allOf" in schema;
}

function rewriteRef(ref: string, options: ConvertOptions, closed: boolean): string {
  if (!ref.startsWith(SWAGGER_DEFINITIONS)) {
    throw new Error(`unsupported $ref ${ref}: only ${SWAGGER_DEFINITIONS}<name> is used by the Engine API`);
  }
  const name = ref.slice(SWAGGER_DEFINITIONS.length);
  const suffix = closed || !options.forbidUnknown ? "" : options.openSuffix;
  return `${options.refBase}#/definitions/${name}${suffix}`;
}

/** Converts every definition; with forbidUnknown, also an open variant for use inside allOf. */
export function convertDefinitions(definitions: JsonObject, options: ConvertOptions): JsonObject {
  const out: JsonObject = {};
  for (const [name, schema] of Object.entries(definitions)) {
    out[name] = convertSchema(schema, options, true);
    if (options.forbidUnknown) out[name + options.openSuffix] = convertSchema(schema, options, false);
  }
  return out;
}

/** Lists every `format` value used anywhere in a document, so unknown ones can be registered. */
export function collectFormats(node: Json, found = new Set<string>()): Set<string> {
  if (Array.isArray(node)) {
    for (const item of node) collectFormats(item, found);
  } else if (isJsonObject(node)) {
    for (const [key, value] of Object.entries(node)) {
      if (key === "format" && typeof value === "string") found.add(value);
      else collectFormats(value, found);
    }
  }
  return found;
}

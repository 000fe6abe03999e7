// Validates Engine API responses against the Docker swagger (Swagger 2.0) with ajv, so
// integration tests can assert that berth's wire shapes are the ones real clients expect.
import { AssertionError } from "node:assert";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Ajv2019 } from "ajv/dist/2019.js";
import type { ErrorObject, ValidateFunction } from "ajv/dist/2019.js";
import { parse } from "yaml";
import { addSwaggerFormats } from "./swagger-formats.ts";
import { collectFormats, convertDefinitions, convertSchema, isJsonObject } from "./swagger-schema.ts";
import type { Json, JsonObject } from "./swagger-schema.ts";

/** The repo is always checked out beside `shared/`. */
export const SWAGGER_PATH = fileURLToPath(
  new URL("../../../shared/reference/docker-engine-api/swagger.yaml", import.meta.url),
);

const SCHEMA_ID = "docker-engine-api";
const OPEN_SUFFIX = "~open";
const VERSION_PREFIX = /^\/v\d+(?:\.\d+)?(?=\/)/;

export interface SwaggerValidatorOptions {
  /** "forbid" rejects properties the swagger does not list (catches `Id` vs `ID`). */
  unknownProperties?: "allow" | "forbid";
  /** Another swagger file, mainly for tests of this helper. */
  swaggerPath?: string;
}

export interface SwaggerValidator {
  /** Throws an AssertionError unless `body` matches the documented response. */
  validateResponse(method: string, path: string, status: number, body: unknown): void;
  /** Throws an AssertionError unless `value` matches `#/definitions/<name>`. */
  validateDefinition(name: string, value: unknown): void;
  /** The path template that a concrete request path (with or without /v1.xx) matches. */
  findPathTemplate(path: string): string;
  /** The swagger document as parsed, for tests that need to look things up. */
  readonly document: JsonObject;
}

interface PathMatcher {
  template: string;
  regex: RegExp;
  literalLength: number;
}

export function createSwaggerValidator(options: SwaggerValidatorOptions = {}): SwaggerValidator {
  const swaggerPath = options.swaggerPath ?? SWAGGER_PATH;
  const document = parse(readFileSync(swaggerPath, "utf8")) as Json;
  if (!isJsonObject(document) || document.swagger !== "2.0") {
    throw new Error(`${swaggerPath} is not a Swagger 2.0 document`);
  }
  const paths = isJsonObject(document.paths) ? document.paths : {};
  const definitions = isJsonObject(document.definitions) ? document.definitions : {};
  const convert = {
    refBase: SCHEMA_ID,
    openSuffix: OPEN_SUFFIX,
    forbidUnknown: options.unknownProperties === "forbid",
  };

  // strict: false because swagger carries keywords JSON Schema does not know; allErrors so a
  // failing test shows every mismatch at once.
  const ajv = new Ajv2019({ strict: false, allErrors: true, allowUnionTypes: true, validateFormats: true });
  addSwaggerFormats(ajv, collectFormats(document));
  ajv.addSchema({ $id: SCHEMA_ID, definitions: convertDefinitions(definitions, convert) });

  const cache = new Map<string, ValidateFunction | null>();
  const matchers = Object.keys(paths).map(toMatcher);

  function findPathTemplate(path: string): string {
    const bare = (path.split("?")[0] ?? "").replace(VERSION_PREFIX, "");
    if (bare in paths) return bare;
    // Prefer the most specific template: /images/json over /images/{name}/json's rivals.
    const hits = matchers.filter((m) => m.regex.test(bare));
    hits.sort((a, b) => b.literalLength - a.literalLength);
    const best = hits[0];
    if (best === undefined) fail(`no swagger path matches ${path}`);
    return best.template;
  }

  function responseValidator(method: string, template: string, status: number): ValidateFunction | null {
    const key = `${method} ${template} ${status}`;
    const cached = cache.get(key);
    if (cached !== undefined) return cached;
    const pathItem = paths[template];
    const operation = isJsonObject(pathItem) ? pathItem[method] : undefined;
    if (!isJsonObject(operation)) fail(`swagger has no ${method.toUpperCase()} ${template}`);
    const responses = isJsonObject(operation.responses) ? operation.responses : {};
    const response = responses[String(status)] ?? responses.default;
    if (!isJsonObject(response)) {
      const documented = Object.keys(responses).join(", ");
      fail(`${method.toUpperCase()} ${template} does not document status ${status} (only ${documented})`);
    }
    const schema = response.schema;
    const validate = schema === undefined ? null : ajv.compile(toRootSchema(convertSchema(schema, convert)));
    cache.set(key, validate);
    return validate;
  }

  function validateResponse(method: string, path: string, status: number, body: unknown): void {
    const verb = method.toLowerCase();
    const template = findPathTemplate(path);
    const validate = responseValidator(verb, template, status);
    const what = `${method.toUpperCase()} ${template} ${status}`;
    if (validate === null) {
      if (!isEmptyBody(body)) fail(`${what}: documented without a body, got ${preview(body)}`);
      return;
    }
    const value = decodeBody(body, validate.schema);
    if (!validate(value)) fail(describeErrors(what, validate.errors, value));
  }

  function validateDefinition(name: string, value: unknown): void {
    if (!(name in definitions)) fail(`swagger has no definition ${name}`);
    const key = `#definition ${name}`;
    let validate = cache.get(key);
    if (validate == null) {
      validate = ajv.compile({ $ref: `${SCHEMA_ID}#/definitions/${name}` });
      cache.set(key, validate);
    }
    if (!validate(value)) fail(describeErrors(`definition ${name}`, validate.errors, value));
  }

  return { validateResponse, validateDefinition, findPathTemplate, document };
}

function toMatcher(template: string): PathMatcher {
  // Docker's router lets {name} span slashes (image names like library/busybox).
  const parts = template.split(/\{[^}]+\}/);
  const regex = new RegExp(`^${parts.map(escapeRegex).join(".+")}$`);
  return { template, regex, literalLength: parts.join("").length };
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

function toRootSchema(schema: Json): JsonObject {
  return isJsonObject(schema) ? schema : {};
}

function isEmptyBody(body: unknown): boolean {
  if (body === undefined || body === null || body === "") return true;
  return body instanceof Uint8Array && body.length === 0;
}

// Raw bodies are decoded the way a client would: text for string schemas, JSON otherwise.
function decodeBody(body: unknown, schema: unknown): unknown {
  const text = body instanceof Uint8Array ? Buffer.from(body).toString("utf8") : body;
  if (typeof text !== "string") return body;
  const wantsString =
    typeof schema === "object" && schema !== null && "type" in schema && schema.type === "string";
  if (wantsString) return text;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    fail(`response body is not JSON: ${preview(text)}`);
  }
}

function describeErrors(what: string, errors: ErrorObject[] | null | undefined, value: unknown): string {
  const lines = withoutNullableNoise(errors ?? []).map((e) => {
    const where = e.instancePath === "" ? "(root)" : e.instancePath;
    const params = describeParams(e);
    return `  ${where} ${e.message ?? "is invalid"}${params} [${e.schemaPath}]`;
  });
  return `${what}: value does not match the swagger schema:\n${lines.join("\n")}\nvalue: ${preview(value)}`;
}

// An x-nullable $ref becomes anyOf [null, X]; when X's own errors are listed, "must be null" and
// "must match a schema in anyOf" at the same place only add noise.
function withoutNullableNoise(errors: ErrorObject[]): ErrorObject[] {
  const deeper = (e: ErrorObject): boolean =>
    errors.some(
      (o) =>
        o !== e && o.keyword !== "anyOf" && !isNullBranch(o) && o.instancePath.startsWith(e.instancePath),
    );
  const noisy = (e: ErrorObject): boolean => (isNullBranch(e) || e.keyword === "anyOf") && deeper(e);
  const kept = errors.filter((e) => !noisy(e));
  return kept.length > 0 ? kept : errors;
}

function isNullBranch(error: ErrorObject): boolean {
  return error.keyword === "type" && (error.params as { type?: unknown }).type === "null";
}

function describeParams(error: ErrorObject): string {
  const params = error.params as Record<string, unknown>;
  if ("allowedValues" in params) return ` (allowed: ${JSON.stringify(params.allowedValues)})`;
  if ("unevaluatedProperty" in params) return `: ${String(params.unevaluatedProperty)}`;
  if ("additionalProperty" in params) return `: ${String(params.additionalProperty)}`;
  return "";
}

function preview(value: unknown): string {
  const text = typeof value === "string" ? value : (JSON.stringify(value) ?? String(value));
  return text.length > 2000 ? `${text.slice(0, 2000)}…` : text;
}

function fail(message: string): never {
  throw new AssertionError({ message });
}

let defaultValidator: SwaggerValidator | undefined;

/** The shared validator (unknown properties allowed, as in the swagger's own semantics). */
export function swaggerValidator(): SwaggerValidator {
  defaultValidator ??= createSwaggerValidator();
  return defaultValidator;
}

/** See SwaggerValidator.validateResponse; `path` may be a template or a concrete request path. */
export function validateResponse(method: string, path: string, status: number, body: unknown): void {
  swaggerValidator().validateResponse(method, path, status, body);
}

/** See SwaggerValidator.validateDefinition. */
export function validateDefinition(name: string, value: unknown): void {
  swaggerValidator().validateDefinition(name, value);
}

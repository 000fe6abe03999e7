// Registry failures as EngineErrors with moby's wording (distribution/errors.go), since the
// docker CLI prints these messages unchanged.
import { EngineError } from "../../lib/index.ts";

/** A distribution-spec error body: {"errors":[{"code","message","detail"}]} (spec.md "Error Codes"). */
export interface RegistryErrorEntry {
  code: string;
  message: string;
}

export function parseErrorBody(body: Buffer): RegistryErrorEntry[] {
  try {
    const parsed = JSON.parse(body.toString("utf8")) as { errors?: unknown };
    if (!Array.isArray(parsed.errors)) return [];
    return parsed.errors
      .filter((e): e is { code: unknown; message: unknown } => typeof e === "object" && e !== null)
      .map((e) => ({ code: String(e.code ?? "UNKNOWN"), message: String(e.message ?? "") }));
  } catch {
    return [];
  }
}

/** errcode.Error's text: the code lower-cased with spaces, then the message. */
export function errcodeText(e: RegistryErrorEntry): string {
  return `${e.code.toLowerCase().replace(/_/g, " ")}: ${e.message}`;
}

/** A failed registry response: carries the status and the registry's error codes. */
export class RegistryError extends EngineError {
  constructor(
    readonly status: number,
    readonly entries: RegistryErrorEntry[],
    message: string,
  ) {
    super(categoryFor(status), `REGISTRY_${status}`, message);
  }

  has(code: string): boolean {
    return this.entries.some((e) => e.code === code);
  }
}

function categoryFor(status: number): EngineError["category"] {
  if (status === 401) return "unauthorized";
  if (status === 403) return "forbidden";
  if (status === 404) return "not-found";
  if (status >= 400 && status < 500) return "invalid-argument";
  return "unavailable";
}

export function registryError(status: number, body: Buffer, fallback: string): RegistryError {
  const entries = parseErrorBody(body);
  const first = entries[0];
  const text =
    first !== undefined
      ? errcodeText(first)
      : status === 401
        ? "unauthorized: authentication required"
        : fallback;
  return new RegistryError(status, entries, text);
}

/**
 * moby's notFoundError for pulls: denied / unknown name / unknown manifest become 404s with the
 * familiar name in front.
 */
export function pullError(err: unknown, familiarName: string, familiarRef: string): unknown {
  if (!(err instanceof RegistryError)) return err;
  const cause = err.message;
  if (err.has("DENIED") || err.has("UNAUTHORIZED") || err.status === 401) {
    return new EngineError(
      "not-found",
      "PULL_ACCESS_DENIED",
      `pull access denied for ${familiarName}, repository does not exist or may require 'docker login': ${err.has("DENIED") ? cause : "denied: requested access to the resource is denied"}`,
    );
  }
  if (err.has("MANIFEST_UNKNOWN") || (err.status === 404 && err.entries.length === 0)) {
    return new EngineError(
      "not-found",
      "MANIFEST_UNKNOWN",
      `manifest for ${familiarRef} not found: ${err.entries.length ? cause : "manifest unknown: manifest unknown"}`,
    );
  }
  if (err.has("NAME_UNKNOWN")) {
    return new EngineError("not-found", "NAME_UNKNOWN", `repository ${familiarName} not found: ${cause}`);
  }
  return err;
}

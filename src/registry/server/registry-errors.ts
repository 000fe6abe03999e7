// Errors of the distribution API (spec.md "Error Codes"): every failure a handler raises is a
// RegistryError, written as {"errors":[{"code","message","detail"}]} with its HTTP status.

export type RegistryErrorCode =
  | "BLOB_UNKNOWN"
  | "BLOB_UPLOAD_INVALID"
  | "BLOB_UPLOAD_UNKNOWN"
  | "DIGEST_INVALID"
  | "MANIFEST_BLOB_UNKNOWN"
  | "MANIFEST_INVALID"
  | "MANIFEST_UNKNOWN"
  | "NAME_INVALID"
  | "NAME_UNKNOWN"
  | "SIZE_INVALID"
  | "TAG_INVALID"
  | "UNAUTHORIZED"
  | "DENIED"
  | "UNSUPPORTED"
  | "TOOMANYREQUESTS"
  | "RANGE_INVALID";

// The messages distribution (and so docker and skopeo users) know these codes by.
const MESSAGES: Record<RegistryErrorCode, string> = {
  BLOB_UNKNOWN: "blob unknown to registry",
  BLOB_UPLOAD_INVALID: "blob upload invalid",
  BLOB_UPLOAD_UNKNOWN: "blob upload unknown to registry",
  DIGEST_INVALID: "provided digest did not match uploaded content",
  MANIFEST_BLOB_UNKNOWN: "manifest references a manifest or blob unknown to registry",
  MANIFEST_INVALID: "manifest invalid",
  MANIFEST_UNKNOWN: "manifest unknown",
  NAME_INVALID: "invalid repository name",
  NAME_UNKNOWN: "repository name not known to registry",
  SIZE_INVALID: "provided length did not match content length",
  TAG_INVALID: "manifest tag did not match URI",
  UNAUTHORIZED: "authentication required",
  DENIED: "requested access to the resource is denied",
  UNSUPPORTED: "The operation is unsupported.",
  TOOMANYREQUESTS: "too many requests",
  RANGE_INVALID: "invalid content range",
};

const STATUS: Record<RegistryErrorCode, number> = {
  BLOB_UNKNOWN: 404,
  BLOB_UPLOAD_INVALID: 400,
  BLOB_UPLOAD_UNKNOWN: 404,
  DIGEST_INVALID: 400,
  MANIFEST_BLOB_UNKNOWN: 400,
  MANIFEST_INVALID: 400,
  MANIFEST_UNKNOWN: 404,
  NAME_INVALID: 400,
  NAME_UNKNOWN: 404,
  SIZE_INVALID: 400,
  TAG_INVALID: 400,
  UNAUTHORIZED: 401,
  DENIED: 403,
  UNSUPPORTED: 405,
  TOOMANYREQUESTS: 429,
  RANGE_INVALID: 416,
};

export class RegistryError extends Error {
  override name = "RegistryError";
  constructor(
    readonly code: RegistryErrorCode,
    readonly detail: unknown = undefined,
    readonly status: number = STATUS[code],
    message: string = MESSAGES[code],
  ) {
    super(message);
  }

  body(): string {
    const entry: Record<string, unknown> = { code: this.code, message: this.message };
    if (this.detail !== undefined) entry["detail"] = this.detail;
    return JSON.stringify({ errors: [entry] });
  }
}

export function registryError(
  code: RegistryErrorCode,
  detail?: unknown,
  options: { status?: number; message?: string } = {},
): RegistryError {
  return new RegistryError(code, detail, options.status ?? STATUS[code], options.message ?? MESSAGES[code]);
}

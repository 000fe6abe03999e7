// Repository names and tags as the distribution spec defines them (spec.md "Pulling manifests":
// `<name>` MUST match [a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*(\/[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*)*,
// a tag MUST match [a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}). Path components therefore never start
// with "_" or ".", which is what lets storage keep its own "_manifests" folders beside them.

const COMPONENT = "[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*";
const NAME_RE = new RegExp(`^${COMPONENT}(?:/${COMPONENT})*$`);
const TAG_RE = /^[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}$/;
const DIGEST_RE = /^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/;
const SHA256_RE = /^sha256:[a-f0-9]{64}$/;

/** distribution's limit; many clients reject longer names too. */
export const MAX_NAME_LENGTH = 255;

export function isRepositoryName(name: string): boolean {
  return name.length > 0 && name.length <= MAX_NAME_LENGTH && NAME_RE.test(name);
}

export function isTag(tag: string): boolean {
  return TAG_RE.test(tag);
}

/**
 * The spec's digest grammar (image-spec descriptor.md "Digests"), with the registered algorithms'
 * encodings enforced: sha256 is 64 and sha512 128 lowercase hex digits.
 */
export function isDigestSyntax(s: string): boolean {
  if (!DIGEST_RE.test(s)) return false;
  if (s.startsWith("sha256:")) return SHA256_RE.test(s);
  if (s.startsWith("sha512:")) return /^sha512:[a-f0-9]{128}$/.test(s);
  return true;
}

/** The only digests this registry stores. */
export function isSha256(s: string): boolean {
  return SHA256_RE.test(s);
}

export type RouteKind = "manifests" | "blobs" | "uploads" | "tags" | "referrers";

export interface ParsedRoute {
  name: string;
  kind: RouteKind;
  /** Reference, digest or upload id; "" for tags/list and a bare uploads/. */
  ref: string;
}

/**
 * Splits `/v2/<name>/<kind>/<ref>`. The name may hold slashes, so the route is found from the
 * right (the last "/manifests/", "/blobs/uploads/", ...). Undefined when no route matches.
 */
export function parseRoute(path: string): ParsedRoute | undefined {
  if (!path.startsWith("/v2/")) return undefined;
  const rest = path.slice(4);
  const patterns: [RegExp, RouteKind][] = [
    [/^(.+)\/blobs\/uploads\/?([^/]*)$/, "uploads"],
    [/^(.+)\/blobs\/([^/]+)$/, "blobs"],
    [/^(.+)\/manifests\/([^/]+)$/, "manifests"],
    [/^(.+)\/tags\/list()$/, "tags"],
    [/^(.+)\/referrers\/([^/]+)$/, "referrers"],
  ];
  for (const [re, kind] of patterns) {
    const m = re.exec(rest);
    if (m) return { name: m[1] ?? "", kind, ref: decodeURIComponent(m[2] ?? "") };
  }
  return undefined;
}

// Image references as docker reads them (distribution/reference normalize.go and reference.go):
// `busybox` is `docker.io/library/busybox`, shown back to users in its familiar form. Error texts
// are distribution's, since the docker CLI prints them unchanged.
import { badReference } from "../lib/index.ts";
import { ANCHORED_NAME_RE, IDENTIFIER_RE, REFERENCE_RE, REPOSITORY_NAME_MAX } from "./reference-grammar.ts";

export interface Reference {
  /** Registry host[:port]; "docker.io" for Docker Hub. Empty only from parseReference. */
  readonly domain: string;
  /** Repository path, e.g. "library/busybox". */
  readonly path: string;
  readonly tag?: string;
  readonly digest?: string;
}

export const DEFAULT_DOMAIN = "docker.io";
export const DEFAULT_TAG = "latest";
const LEGACY_DEFAULT_DOMAIN = "index.docker.io";
const OFFICIAL_REPO_PREFIX = "library/";

const ERR_INVALID_FORMAT = "invalid reference format";
const ERR_NAME_EMPTY = "repository name must have at least one component";
const ERR_NAME_UPPERCASE = "repository name must be lowercase";
const ERR_NAME_TOO_LONG = `repository name must not be more than ${REPOSITORY_NAME_MAX} characters`;

/**
 * Parses a reference without normalising it (reference.go Parse): `busybox` has no domain and path
 * `busybox`; the first component of `a/b` is taken as the domain. Use for canonical names.
 */
export function parseReference(s: string): Reference {
  if (s === "") throw badReference(ERR_NAME_EMPTY);
  const m = REFERENCE_RE.exec(s);
  if (!m) {
    const lower = s.toLowerCase();
    // Valid once lower-cased: the only fault is an uppercase repository name.
    if (lower !== s && REFERENCE_RE.test(lower)) throw badReference(ERR_NAME_UPPERCASE);
    throw badReference(ERR_INVALID_FORMAT);
  }
  const [, name = "", tag, digest] = m;
  const nm = ANCHORED_NAME_RE.exec(name);
  const domain = nm?.[1] ?? "";
  const path = nm?.[2] ?? name;
  if (path.length > REPOSITORY_NAME_MAX) throw badReference(ERR_NAME_TOO_LONG);
  if (digest !== undefined) checkReferenceDigest(digest);
  return build(domain, path, tag, digest);
}

/**
 * ParseNormalizedNamed: the familiar form a user types, fully qualified. Keeps both tag and
 * digest when both are given.
 */
export function parseNormalizedReference(s: string): Reference {
  // A bare image id would be ambiguous with a Docker Hub repository name.
  if (IDENTIFIER_RE.test(s)) {
    throw badReference(`invalid repository name (${s}), cannot specify 64-byte hexadecimal strings`);
  }
  const [domain, remainder] = splitDockerDomain(s);
  const colon = remainder.indexOf(":");
  const remote = colon === -1 ? remainder : remainder.slice(0, colon);
  if (remote.toLowerCase() !== remote) {
    throw badReference(`invalid reference format: repository name (${remote}) must be lowercase`);
  }
  return parseReference(`${domain}/${remainder}`);
}

/**
 * ParseDockerRef: normalised, `:latest` added to a bare name, and the tag dropped when a digest is
 * also given (the digest is what gets pulled).
 */
export function parseDockerReference(s: string): Reference {
  const ref = parseNormalizedReference(s);
  if (ref.tag !== undefined && ref.digest !== undefined)
    return build(ref.domain, ref.path, undefined, ref.digest);
  return withDefaultTag(ref);
}

export type AnyReference = { kind: "digest"; digest: string } | { kind: "named"; ref: Reference };

/** ParseAnyReference: a full image id or a digest, else a normalised name. */
export function parseAnyReference(s: string): AnyReference {
  if (IDENTIFIER_RE.test(s)) return { kind: "digest", digest: `sha256:${s}` };
  if (goDigestError(s) === undefined) return { kind: "digest", digest: s };
  return { kind: "named", ref: parseNormalizedReference(s) };
}

/** TagNameOnly: adds `latest` to a reference with neither tag nor digest. */
export function withDefaultTag(ref: Reference): Reference {
  return isNameOnly(ref) ? build(ref.domain, ref.path, DEFAULT_TAG, undefined) : ref;
}

export function isNameOnly(ref: Reference): boolean {
  return ref.tag === undefined && ref.digest === undefined;
}

/** `docker.io/library/busybox` */
export function normalizedName(ref: Reference): string {
  return ref.domain === "" ? ref.path : `${ref.domain}/${ref.path}`;
}

/** `docker.io/library/busybox:latest@sha256:…`; `addDefaultTag` first applies withDefaultTag. */
export function normalizedString(ref: Reference, addDefaultTag = false): string {
  const r = addDefaultTag ? withDefaultTag(ref) : ref;
  return normalizedName(r) + suffix(r);
}

/** `busybox`, `user/repo`, `localhost:5000/x`: without `docker.io/` and official `library/`. */
export function familiarName(ref: Reference): string {
  if (ref.domain !== DEFAULT_DOMAIN) return normalizedName(ref);
  // Only a one-level official repository loses "library/" (normalize.go familiarizeName).
  const rest = ref.path.startsWith(OFFICIAL_REPO_PREFIX)
    ? ref.path.slice(OFFICIAL_REPO_PREFIX.length)
    : undefined;
  return rest !== undefined && !rest.includes("/") ? rest : ref.path;
}

/** `busybox:latest`, `user/repo@sha256:…` */
export function familiarString(ref: Reference): string {
  return familiarName(ref) + suffix(ref);
}

function suffix(ref: Reference): string {
  return (ref.tag !== undefined ? `:${ref.tag}` : "") + (ref.digest !== undefined ? `@${ref.digest}` : "");
}

function build(domain: string, path: string, tag: string | undefined, digest: string | undefined): Reference {
  const ref: { domain: string; path: string; tag?: string; digest?: string } = { domain, path };
  if (tag !== undefined) ref.tag = tag;
  if (digest !== undefined) ref.digest = digest;
  return ref;
}

// normalize.go splitDockerDomain: the first component is a registry when it is "localhost",
// contains "." or ":", or has uppercase letters (never valid in a path); otherwise Docker Hub.
function splitDockerDomain(name: string): [domain: string, remainder: string] {
  const slash = name.indexOf("/");
  if (slash === -1) return [DEFAULT_DOMAIN, OFFICIAL_REPO_PREFIX + name];
  const first = name.slice(0, slash);
  const rest = name.slice(slash + 1);
  let domain = DEFAULT_DOMAIN;
  let remainder = name;
  if (first === LEGACY_DEFAULT_DOMAIN) {
    remainder = rest;
  } else if (first === "localhost" || /[.:]/.test(first) || first.toLowerCase() !== first) {
    [domain, remainder] = [first, rest];
  }
  if (domain === DEFAULT_DOMAIN && !remainder.includes("/")) remainder = OFFICIAL_REPO_PREFIX + remainder;
  return [domain, remainder];
}

function checkReferenceDigest(digest: string): void {
  const why = goDigestError(digest);
  if (why !== undefined) throw badReference(why);
}

// go-digest's Digest.Validate with the algorithms docker links in (sha256, sha384, sha512).
const DIGEST_HEX_LENGTH: ReadonlyMap<string, number> = new Map([
  ["sha256", 64],
  ["sha384", 96],
  ["sha512", 128],
]);
const GO_DIGEST_RE = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/;

function goDigestError(s: string): string | undefined {
  const colon = s.indexOf(":");
  if (colon <= 0 || colon + 1 === s.length) return "invalid checksum digest format";
  const algorithm = s.slice(0, colon);
  const encoded = s.slice(colon + 1);
  const length = DIGEST_HEX_LENGTH.get(algorithm);
  if (length === undefined) {
    return GO_DIGEST_RE.test(s) ? "unsupported digest algorithm" : "invalid checksum digest format";
  }
  if (encoded.length !== length) return "invalid checksum digest length";
  return /^[a-f0-9]+$/.test(encoded) ? undefined : "invalid checksum digest format";
}

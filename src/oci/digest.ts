// Content digests, descriptor.md "Digests": `algorithm ":" encoded`.
import { createHash } from "node:crypto";
import { invalidDigest } from "../lib/index.ts";

/** A digest string such as `sha256:<64 hex>`. Plain string: validate with parseDigest at the edges. */
export type Digest = string;

export interface ParsedDigest {
  algorithm: string;
  encoded: string;
}

// descriptor.md grammar:
//   algorithm           ::= algorithm-component (algorithm-separator algorithm-component)*
//   algorithm-component ::= [a-z0-9]+      algorithm-separator ::= [+._-]
//   encoded             ::= [a-zA-Z0-9=_-]+
const DIGEST_RE = /^([a-z0-9]+(?:[+._-][a-z0-9]+)*):([a-zA-Z0-9=_-]+)$/;

// "Registered algorithms": each fixes its encoding to lowercase hex of a set length.
const REGISTERED: ReadonlyMap<string, RegExp> = new Map([
  ["sha256", /^[a-f0-9]{64}$/],
  ["sha512", /^[a-f0-9]{128}$/],
  ["blake3", /^[a-f0-9]{64}$/],
]);

const SHA256_RE = /^sha256:[a-f0-9]{64}$/;
const HEX64_RE = /^[a-f0-9]{64}$/;

/**
 * Splits and validates a digest. Registered algorithms must use their exact encoding; other
 * algorithms pass when they follow the grammar, as descriptor.md asks implementations to allow.
 */
export function parseDigest(s: string): ParsedDigest {
  const m = DIGEST_RE.exec(s);
  if (!m) throw invalidDigest(s, "expected <algorithm>:<encoded>, e.g. sha256:<64 hex digits>");
  const algorithm = m[1] as string;
  const encoded = m[2] as string;
  const rule = REGISTERED.get(algorithm);
  if (rule && !rule.test(encoded)) {
    throw invalidDigest(
      s,
      `${algorithm} digests are ${algorithm === "sha512" ? 128 : 64} lowercase hex digits`,
    );
  }
  return { algorithm, encoded };
}

export function isDigest(s: string): boolean {
  try {
    parseDigest(s);
    return true;
  } catch {
    return false;
  }
}

export function isSha256Digest(s: string): boolean {
  return SHA256_RE.test(s);
}

/** A full image id without algorithm (64 lowercase hex), as `docker images --no-trunc` shows after `sha256:`. */
export function isHex64(s: string): boolean {
  return HEX64_RE.test(s);
}

/** `sha256:<hex>` of the bytes (strings are hashed as UTF-8). */
export function sha256Of(data: Uint8Array | string): Digest {
  return "sha256:" + createHash("sha256").update(data).digest("hex");
}

/** The encoded part of a digest (`sha256:abc…` -> `abc…`); plain hex passes through. */
export function digestHex(digest: string): string {
  const colon = digest.indexOf(":");
  return colon === -1 ? digest : digest.slice(colon + 1);
}

/** Docker's short id: the first 12 hex digits of the digest (stringid.TruncateID). */
export function shortId(digestOrHex: string): string {
  return digestHex(digestOrHex).slice(0, 12);
}

// Authentication of registry requests: htpasswd basic auth and Docker's bearer tokens
// (docker-distribution/auth-token.md). Pure pieces: scopes, challenges, htpasswd lines, and
// what access each route needs.
import { createHash, timingSafeEqual } from "node:crypto";
import type { TokenAccess } from "./jwt.ts";

/** `repository:samalba/my-app:pull,push` → {type, name, actions}; the name may hold colons (host:port). */
export function parseScope(scope: string): TokenAccess | undefined {
  const first = scope.indexOf(":");
  const last = scope.lastIndexOf(":");
  if (first <= 0 || last === first) return undefined;
  const actions = scope
    .slice(last + 1)
    .split(",")
    .filter((a) => a !== "");
  return { type: scope.slice(0, first), name: scope.slice(first + 1, last), actions };
}

export function formatScope(access: TokenAccess): string {
  return `${access.type}:${access.name}:${access.actions.join(",")}`;
}

function quoted(value: string): string {
  return `"${value.replace(/["\\]/g, "\\$&")}"`;
}

/** auth-token.md "How to authenticate": the challenge that sends a client to the token service. */
export function bearerChallenge(params: {
  realm: string;
  service: string;
  scopes?: readonly TokenAccess[] | undefined;
  error?: string | undefined;
}): string {
  const parts = [`realm=${quoted(params.realm)}`, `service=${quoted(params.service)}`];
  if (params.scopes && params.scopes.length > 0) {
    parts.push(`scope=${quoted(params.scopes.map(formatScope).join(" "))}`);
  }
  if (params.error) parts.push(`error=${quoted(params.error)}`);
  return `Bearer ${parts.join(",")}`;
}

export function basicChallenge(realm: string): string {
  return `Basic realm=${quoted(realm)}`;
}

/** The user and password of an `Authorization: Basic` header. */
export function parseBasicAuth(header: string | undefined): { user: string; password: string } | undefined {
  const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? "");
  if (!m) return undefined;
  const decoded = Buffer.from(m[1] ?? "", "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon < 0) return undefined;
  return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

export function parseBearer(header: string | undefined): string | undefined {
  const m = /^Bearer\s+([A-Za-z0-9._~+/=-]+)\s*$/i.exec(header ?? "");
  return m?.[1];
}

/** An htpasswd file: `user:hash` lines; blank lines and # comments skipped. */
export function parseHtpasswd(text: string): Map<string, string> {
  const users = new Map<string, string>();
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    const colon = line.indexOf(":");
    if (colon <= 0) continue;
    users.set(line.slice(0, colon), line.slice(colon + 1));
  }
  return users;
}

export type HashKind = "bcrypt" | "sha1" | "plain-unsupported";

export function hashKind(hash: string): HashKind {
  if (/^\$2[abxy]\$\d\d\$/.test(hash)) return "bcrypt";
  if (hash.startsWith("{SHA}")) return "sha1";
  return "plain-unsupported";
}

/** htpasswd -s: "{SHA}" + base64(sha1(password)). */
export function verifySha1(password: string, hash: string): boolean {
  const expected = Buffer.from(hash.slice(5), "base64");
  const actual = createHash("sha1").update(password).digest();
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

/** What a request needs (auth-token.md "Requesting a Token": resource scopes and actions). */
export function requiredAccess(
  method: string,
  route: { name: string; kind: string } | "catalog" | "base",
  mountFrom?: string,
): TokenAccess[] {
  if (route === "base") return [];
  if (route === "catalog") return [{ type: "registry", name: "catalog", actions: ["*"] }];
  const read = method === "GET" || method === "HEAD";
  if (route.kind === "uploads") {
    const own: TokenAccess = { type: "repository", name: route.name, actions: ["pull", "push"] };
    return mountFrom ? [own, { type: "repository", name: mountFrom, actions: ["pull"] }] : [own];
  }
  if (read) return [{ type: "repository", name: route.name, actions: ["pull"] }];
  if (method === "DELETE") return [{ type: "repository", name: route.name, actions: ["delete"] }];
  return [{ type: "repository", name: route.name, actions: ["pull", "push"] }];
}

/** True when `granted` covers every action of `needed` ("*" grants all). */
export function accessCovers(granted: readonly TokenAccess[], needed: readonly TokenAccess[]): boolean {
  return needed.every((need) =>
    need.actions.every((action) =>
      granted.some(
        (g) =>
          g.type === need.type &&
          g.name === need.name &&
          (g.actions.includes(action) || g.actions.includes("*")),
      ),
    ),
  );
}

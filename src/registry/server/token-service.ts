// A minimal token service (docker-distribution/auth-token.md "Requesting a Token"): GET /token
// with basic credentials of an htpasswd user (or none, for an anonymous token without access),
// `service` and `scope` parameters; POST /token with the OAuth2 password grant. Signed users get
// the actions they ask for on repositories, and the catalog; anonymous users get nothing.
import type { IncomingMessage } from "node:http";
import type { KeyObject } from "node:crypto";
import { parseBasicAuth, parseScope } from "./auth.ts";
import type { Htpasswd } from "./auth-gate.ts";
import { newTokenId, signJwt, type TokenAccess } from "./jwt.ts";

export interface TokenServiceConfig {
  issuer: string;
  service: string;
  key: KeyObject;
  htpasswd: Htpasswd | undefined;
  /** Token lifetime in seconds. */
  ttl: number;
}

export interface TokenReply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

const GRANTABLE = new Set(["pull", "push", "delete", "*"]);

export async function issueToken(
  config: TokenServiceConfig,
  req: IncomingMessage,
  query: URLSearchParams,
  form: URLSearchParams | undefined,
): Promise<TokenReply> {
  const unauthorized: TokenReply = {
    status: 401,
    body: { errors: [{ code: "UNAUTHORIZED", message: "authentication required" }] },
    headers: { "WWW-Authenticate": 'Basic realm="berth-registry-token"' },
  };
  let user: string | undefined;
  let password: string | undefined;
  if (form) {
    if (form.get("grant_type") !== "password") {
      return { status: 400, body: { error: "unsupported_grant_type" } };
    }
    user = form.get("username") ?? "";
    password = form.get("password") ?? "";
  } else {
    const creds = parseBasicAuth(req.headers.authorization);
    if (req.headers.authorization !== undefined && creds === undefined) return unauthorized;
    user = creds?.user;
    password = creds?.password;
  }
  const params = form ?? query;
  const service = params.get("service");
  if (service !== null && service !== config.service) {
    return { status: 400, body: { errors: [{ code: "DENIED", message: `unknown service ${service}` }] } };
  }
  if (user !== undefined) {
    if (config.htpasswd === undefined || !(await config.htpasswd.verify(user, password ?? "")))
      return unauthorized;
  }
  const access: TokenAccess[] = [];
  if (user !== undefined) {
    const scopes = params
      .getAll("scope")
      .flatMap((s) => s.split(" "))
      .filter((s) => s !== "");
    for (const scope of scopes) {
      const parsed = parseScope(scope);
      if (parsed === undefined) continue;
      if (parsed.type !== "repository" && !(parsed.type === "registry" && parsed.name === "catalog"))
        continue;
      parsed.actions = parsed.actions.filter((a) => GRANTABLE.has(a));
      access.push(parsed);
    }
  }
  const now = Math.floor(Date.now() / 1000);
  const token = signJwt(
    {
      iss: config.issuer,
      sub: user ?? "",
      aud: config.service,
      exp: now + config.ttl,
      nbf: now - 1,
      iat: now,
      jti: newTokenId(),
      access,
    },
    config.key,
  );
  return {
    status: 200,
    body: {
      token,
      access_token: token,
      expires_in: config.ttl,
      issued_at: new Date(now * 1000).toISOString(),
    },
  };
}

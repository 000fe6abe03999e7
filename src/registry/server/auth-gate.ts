// Who may do what: htpasswd users (basic auth), or bearer tokens from a token service
// (docker-distribution/auth-token.md), optionally the registry's own (/token, token-service.ts).
import { createHash } from "node:crypto";
import bcrypt from "bcryptjs";
import {
  accessCovers,
  basicChallenge,
  bearerChallenge,
  hashKind,
  parseBasicAuth,
  parseBearer,
  verifySha1,
} from "./auth.ts";
import { TokenError, verifyJwt, type TokenAccess, type TrustedKeys } from "./jwt.ts";

export interface TokenAuthConfig {
  realm: string;
  service: string;
  issuer: string;
  trusted: TrustedKeys;
}

export type AuthResult =
  | { ok: true; user: string }
  | { ok: false; challenge: string; code: "UNAUTHORIZED" | "DENIED"; detail?: unknown };

/** htpasswd users; successful checks are remembered so bcrypt runs once per password, not per request. */
export class Htpasswd {
  readonly #users: Map<string, string>;
  readonly #verified = new Set<string>();

  constructor(users: Map<string, string>) {
    this.#users = users;
  }

  async verify(user: string, password: string): Promise<boolean> {
    const hash = this.#users.get(user);
    if (hash === undefined) return false;
    const key = createHash("sha256").update(`${user}\0${password}\0${hash}`).digest("hex");
    if (this.#verified.has(key)) return true;
    let ok = false;
    switch (hashKind(hash)) {
      case "bcrypt":
        // htpasswd -B writes $2y$, the same algorithm as $2b$ (bcryptjs knows $2a$/$2b$).
        ok = await bcrypt.compare(password, hash.replace(/^\$2[xy]\$/, "$2b$"));
        break;
      case "sha1":
        ok = verifySha1(password, hash);
        break;
      default:
        ok = false; // MD5-crypt and crypt(3) entries are not supported: htpasswd -B or -s
    }
    if (ok) this.#verified.add(key);
    return ok;
  }
}

export class AuthGate {
  readonly #htpasswd: Htpasswd | undefined;
  readonly #token: TokenAuthConfig | undefined;
  readonly #realm: string;

  constructor(options: { htpasswd?: Htpasswd | undefined; token?: TokenAuthConfig; basicRealm?: string }) {
    this.#htpasswd = options.htpasswd;
    this.#token = options.token;
    this.#realm = options.basicRealm ?? "berth-registry";
  }

  get enabled(): boolean {
    return this.#htpasswd !== undefined || this.#token !== undefined;
  }

  async check(authorization: string | undefined, needed: readonly TokenAccess[]): Promise<AuthResult> {
    if (this.#token) return this.#checkToken(this.#token, authorization, needed);
    if (this.#htpasswd) {
      const creds = parseBasicAuth(authorization);
      if (creds && (await this.#htpasswd.verify(creds.user, creds.password)))
        return { ok: true, user: creds.user };
      return { ok: false, challenge: basicChallenge(this.#realm), code: "UNAUTHORIZED" };
    }
    return { ok: true, user: "" };
  }

  #checkToken(
    config: TokenAuthConfig,
    authorization: string | undefined,
    needed: readonly TokenAccess[],
  ): AuthResult {
    const challenge = (error?: string): string =>
      bearerChallenge({ realm: config.realm, service: config.service, scopes: needed, error });
    const token = parseBearer(authorization);
    if (token === undefined) return { ok: false, challenge: challenge(), code: "UNAUTHORIZED" };
    try {
      const claims = verifyJwt(token, {
        trusted: config.trusted,
        issuer: config.issuer,
        audience: config.service,
      });
      if (!accessCovers(claims.access ?? [], needed)) {
        return {
          ok: false,
          challenge: challenge("insufficient_scope"),
          code: "UNAUTHORIZED",
          detail: needed.map((n) => ({ Type: n.type, Name: n.name, Action: n.actions.join(",") })),
        };
      }
      return { ok: true, user: claims.sub ?? "" };
    } catch (err) {
      if (!(err instanceof TokenError)) throw err;
      return { ok: false, challenge: challenge("invalid_token"), code: "UNAUTHORIZED", detail: err.message };
    }
  }
}

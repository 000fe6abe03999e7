// One registry conversation: picks a reachable endpoint (mirrors first, HTTPS before plain HTTP
// where allowed), answers the auth challenge of GET /v2/ (spec.md "Determining Support"; the
// docker-distribution auth-token.md flow) and sends requests with the right Authorization.
// Bearer tokens are cached per scope set and fetched again on expiry or on a 401.
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";
import { rootCertificates } from "node:tls";
import { createHash } from "node:crypto";
import type { Readable } from "node:stream";
import { EngineError, unavailable } from "../../lib/index.ts";
import type { Endpoint } from "./registry-hosts.ts";
import { RegistryError, registryError } from "./registry-errors.ts";
import { parseWwwAuthenticate, type Challenge } from "./www-authenticate.ts";

/** Docker's AuthConfig (X-Registry-Auth, POST /auth). */
export interface Credentials {
  username?: string;
  password?: string;
  auth?: string;
  identitytoken?: string;
  registrytoken?: string;
}

export interface RequestInit {
  method?: string;
  headers?: Record<string, string>;
  /** A stream body cannot be replayed: its request is sent once, after auth is settled. */
  body?: Buffer | Readable;
  /** Actions the request needs on its repository (token scope). */
  scopes: readonly string[];
  /** Follow redirects (blob GETs may be redirected to storage). */
  follow?: boolean;
}

const USER_AGENT = "berth/dev (registry client)";
const agents = new Map<string, HttpAgent | HttpsAgent>();

function agentFor(scheme: string, ep: Endpoint): HttpAgent | HttpsAgent {
  // Keyed by the CA files too: a changed certs.d takes effect on the next request.
  const key = `${scheme}://${ep.host} ${ep.ca.length > 0 ? createHash("sha256").update(Buffer.concat(ep.ca)).digest("hex") : ""}`;
  let agent = agents.get(key);
  if (agent === undefined) {
    agent =
      scheme === "https"
        ? new HttpsAgent({
            keepAlive: true,
            ...(ep.ca.length > 0 ? { ca: [...rootCertificates, ...ep.ca.map(String)] } : {}),
          })
        : new HttpAgent({ keepAlive: true });
    agents.set(key, agent);
  }
  return agent;
}

/** A bare HTTP(S) request; resolves on response headers. */
export function send(
  url: URL,
  init: { method: string; headers: Record<string, string>; body?: Buffer | Readable | undefined },
  agent?: HttpAgent | HttpsAgent,
): Promise<IncomingMessage> {
  const fn = url.protocol === "https:" ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = fn(
      url,
      {
        method: init.method,
        headers: { "User-Agent": USER_AGENT, ...init.headers },
        ...(agent ? { agent } : {}),
      },
      resolve,
    );
    req.on("error", reject);
    const body = init.body;
    if (body === undefined || Buffer.isBuffer(body)) req.end(body);
    else {
      body.on("error", (err) => req.destroy(err));
      body.pipe(req);
    }
  });
}

export async function readBody(res: IncomingMessage, max = 4 * 1024 * 1024): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let n = 0;
  for await (const chunk of res as AsyncIterable<Buffer>) {
    n += chunk.length;
    if (n > max) {
      res.destroy();
      throw unavailable("REGISTRY_RESPONSE_TOO_LARGE", `registry response larger than ${max} bytes`);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

interface CachedToken {
  token: string;
  expiresAt: number;
}

export class RegistrySession {
  private base: URL | undefined;
  private endpoint: Endpoint | undefined;
  private challenge: Challenge | undefined;
  private readonly tokens = new Map<string, CachedToken>();
  /** A refresh token from the token service (login with offline_token=true). */
  private refreshToken: string | undefined;

  constructor(
    private readonly endpoints: readonly Endpoint[],
    private readonly credentials: Credentials | undefined,
  ) {}

  /** `scheme://host` of the endpoint in use (after connect()). */
  get url(): string {
    return this.base?.origin ?? "";
  }

  get isMirror(): boolean {
    return this.endpoint?.mirror ?? false;
  }

  /**
   * GET /v2/ on each endpoint until one answers (200 or 401); remembers its auth challenge.
   * Plain HTTP is tried only where the endpoint allows it.
   */
  async connect(): Promise<void> {
    if (this.base !== undefined) return;
    let lastError: unknown;
    for (const ep of this.endpoints) {
      for (const scheme of ep.schemes) {
        const base = new URL(`${scheme}://${ep.host}/`);
        try {
          const res = await send(new URL("/v2/", base), { method: "GET", headers: {} }, agentFor(scheme, ep));
          await readBody(res).catch(() => undefined);
          if (res.statusCode === 200 || res.statusCode === 401) {
            this.base = base;
            this.endpoint = ep;
            const header = res.headers["www-authenticate"];
            if (res.statusCode === 401 && header !== undefined) {
              const cs = parseWwwAuthenticate(header);
              this.challenge = cs.find((c) => c.scheme === "bearer") ?? cs.find((c) => c.scheme === "basic");
            }
            return;
          }
          // A registry that answered says most, except plain HTTP's 400 from a TLS port (then the
          // HTTPS attempt's error, e.g. an unknown CA, is the real story).
          const answered = unavailable(
            "REGISTRY_PING",
            `Get "${base.origin}/v2/": unexpected status ${res.statusCode ?? 0}`,
          );
          if (res.statusCode === 400) lastError ??= answered;
          else lastError = answered;
        } catch (err) {
          lastError ??= unavailable(
            "REGISTRY_UNREACHABLE",
            `Get "${base.origin}/v2/": ${(err as Error).message}`,
            {
              cause: err,
            },
          );
        }
      }
    }
    throw lastError ?? unavailable("REGISTRY_UNREACHABLE", "no registry endpoint");
  }

  /**
   * Checks the credentials (POST /auth): a 200 from /v2/ with them, or a token granted. A token
   * service that hands out a refresh token for `offline_token=true` gives the identity token
   * the client stores instead of the password.
   */
  async login(): Promise<{ identityToken?: string }> {
    await this.connect();
    const url = `${this.url}/v2/`;
    const fail = (status: number): never => {
      throw new EngineError(
        "unauthorized",
        "LOGIN_FAILED",
        `login attempt to ${url} failed with status: ${status} ${status === 401 ? "Unauthorized" : "Forbidden"}`,
      );
    };
    if (this.challenge === undefined) return {};
    if (this.challenge.scheme === "bearer") {
      try {
        await this.fetchToken([], true);
      } catch (err) {
        if (err instanceof RegistryError) fail(err.status === 403 ? 403 : 401);
        throw err;
      }
      return this.refreshToken !== undefined ? { identityToken: this.refreshToken } : {};
    }
    const res = await this.raw(new URL("/v2/", this.base), { method: "GET", scopes: [] });
    await readBody(res).catch(() => undefined);
    if (res.statusCode !== 200) fail(res.statusCode ?? 401);
    return {};
  }

  /** A request to `path` (under the endpoint) with auth; 401 once refreshes the token and retries. */
  async request(path: string, init: RequestInit): Promise<IncomingMessage> {
    await this.connect();
    const url = new URL(path, this.base);
    let res = await this.raw(url, init);
    if (res.statusCode === 401 && !(init.body !== undefined && !Buffer.isBuffer(init.body))) {
      const header = res.headers["www-authenticate"];
      await readBody(res).catch(() => undefined);
      if (header !== undefined) {
        const cs = parseWwwAuthenticate(header);
        this.challenge =
          cs.find((c) => c.scheme === "bearer") ?? cs.find((c) => c.scheme === "basic") ?? this.challenge;
      }
      this.tokens.delete(scopeKey(init.scopes));
      res = await this.raw(url, init);
    }
    return res;
  }

  /** Like request(), but a status outside `ok` becomes a RegistryError. */
  async expect(
    path: string,
    init: RequestInit,
    ok: readonly number[],
    what: string,
  ): Promise<IncomingMessage> {
    const res = await this.request(path, init);
    if (ok.includes(res.statusCode ?? 0)) return res;
    const body = await readBody(res).catch(() => Buffer.alloc(0));
    throw registryError(res.statusCode ?? 0, body, `${what}: unexpected status ${res.statusCode ?? 0}`);
  }

  private async raw(url: URL, init: RequestInit): Promise<IncomingMessage> {
    const headers: Record<string, string> = { ...init.headers };
    const auth = await this.authorization(init.scopes);
    if (auth !== undefined) headers["Authorization"] = auth;
    if (Buffer.isBuffer(init.body)) headers["Content-Length"] = String(init.body.length);
    let res = await send(url, { method: init.method ?? "GET", headers, body: init.body }, this.agent(url));
    // Redirects (e.g. blob storage): follow without our Authorization when the host changes.
    for (
      let hops = 0;
      init.follow && hops < 5 && [301, 302, 303, 307, 308].includes(res.statusCode ?? 0);
      hops++
    ) {
      const location = res.headers.location;
      res.resume();
      if (location === undefined) break;
      const next = new URL(location, url);
      const h = { ...headers };
      if (next.host !== url.host) delete h["Authorization"];
      res = await send(
        next,
        { method: init.method ?? "GET", headers: h },
        next.host === url.host ? this.agent(next) : undefined,
      );
      url = next;
    }
    return res;
  }

  private agent(url: URL): HttpAgent | HttpsAgent | undefined {
    return this.endpoint ? agentFor(url.protocol.slice(0, -1), this.endpoint) : undefined;
  }

  private basicHeader(): string | undefined {
    const c = this.credentials;
    if (c === undefined) return undefined;
    if (c.username && c.password !== undefined)
      return `Basic ${Buffer.from(`${c.username}:${c.password}`).toString("base64")}`;
    if (c.auth) return `Basic ${c.auth}`;
    return undefined;
  }

  private async authorization(scopes: readonly string[]): Promise<string | undefined> {
    if (this.credentials?.registrytoken) return `Bearer ${this.credentials.registrytoken}`;
    const ch = this.challenge;
    if (ch === undefined) return undefined;
    if (ch.scheme === "basic") return this.basicHeader();
    if (ch.scheme !== "bearer") return undefined;
    return `Bearer ${await this.fetchToken(scopes, false)}`;
  }

  /** auth-token.md "Requesting a Token": GET realm?service=&scope=… with basic credentials. */
  private async fetchToken(scopes: readonly string[], forLogin: boolean): Promise<string> {
    const key = scopeKey(scopes);
    const cached = this.tokens.get(key);
    if (!forLogin && cached !== undefined && cached.expiresAt > Date.now()) return cached.token;
    const params = this.challenge?.params ?? {};
    const realm = params["realm"];
    if (realm === undefined) throw unavailable("TOKEN_REALM", "bearer challenge without realm");
    const url = new URL(realm);
    const identityToken = this.credentials?.identitytoken;
    let res;
    if (identityToken && !forLogin) {
      // Docker's OAuth2 flow (distribution docs "oauth.md"): the stored identity token is a
      // refresh token, exchanged by POST for an access token with the scopes wanted.
      const form = new URLSearchParams({
        grant_type: "refresh_token",
        client_id: "berth",
        refresh_token: identityToken,
      });
      if (params["service"] !== undefined) form.set("service", params["service"]);
      if (scopes.length > 0) form.set("scope", scopes.join(" "));
      res = await send(url, {
        method: "POST",
        headers: {
          "Content-Type": "application/x-www-form-urlencoded",
          "Content-Length": String(form.toString().length),
        },
        body: Buffer.from(form.toString()),
      });
    } else {
      if (params["service"] !== undefined) url.searchParams.set("service", params["service"]);
      for (const s of scopes) url.searchParams.append("scope", s);
      const headers: Record<string, string> = {};
      const basic = this.basicHeader();
      if (basic !== undefined) {
        headers["Authorization"] = basic;
        if (this.credentials?.username) url.searchParams.set("account", this.credentials.username);
      }
      if (forLogin) {
        url.searchParams.set("client_id", "berth");
        url.searchParams.set("offline_token", "true");
      }
      res = await send(url, { method: "GET", headers });
    }
    const body = await readBody(res);
    if (res.statusCode !== 200) {
      throw registryError(
        res.statusCode ?? 0,
        body,
        `token request to ${url.origin}: status ${res.statusCode ?? 0}`,
      );
    }
    let parsed: { token?: unknown; access_token?: unknown; expires_in?: unknown; refresh_token?: unknown };
    try {
      parsed = JSON.parse(body.toString("utf8")) as typeof parsed;
    } catch {
      throw unavailable("TOKEN_RESPONSE", `token server ${url.origin} sent no JSON`);
    }
    const token = typeof parsed.token === "string" ? parsed.token : parsed.access_token;
    if (typeof token !== "string" || token === "") {
      throw unavailable("TOKEN_RESPONSE", `token server ${url.origin} sent no token`);
    }
    if (typeof parsed.refresh_token === "string" && parsed.refresh_token !== "")
      this.refreshToken = parsed.refresh_token;
    // expires_in defaults to 60 s (auth-token.md "Token Response Fields"); refreshed a little early.
    const ttl = typeof parsed.expires_in === "number" && parsed.expires_in > 0 ? parsed.expires_in : 60;
    this.tokens.set(key, { token, expiresAt: Date.now() + (ttl > 20 ? ttl - 10 : ttl / 2) * 1000 });
    return token;
  }
}

function scopeKey(scopes: readonly string[]): string {
  return [...scopes].sort().join(" ");
}

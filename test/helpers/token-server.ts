// A small token service for distribution's `auth: token:` (docker-distribution auth-token.md):
// GET /token?service=&scope=&account= with Basic credentials returns an RS256 JWT signed by a key
// whose self-signed certificate is the registry's rootcertbundle (sent in the `x5c` header, so
// the registry checks it against that bundle). Counts requests so tests can see caching. With
// offline_token=true it also hands out a refresh token, which POST grant_type=refresh_token takes.
import { createPrivateKey, createSign, X509Certificate, randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { makeCert } from "./docker-registry.ts";

export interface TokenServer {
  realm: string;
  service: string;
  issuer: string;
  certPath: string;
  /** Token requests answered with a token. */
  issued: number;
  /** Of those, refresh-token grants (POST). */
  refreshed: number;
  /** Seconds a token lives (expires_in and exp). */
  ttl: number;
  stop(): Promise<void>;
}

export async function startTokenServer(
  dir: string,
  users: Record<string, string>,
  ttl = 300,
): Promise<TokenServer> {
  const { cert, key } = await makeCert(dir, "token", "berth-test-token");
  const privateKey = createPrivateKey(readFileSync(key));
  const der = new X509Certificate(readFileSync(cert)).raw.toString("base64");
  const b64url = (b: Buffer | string): string => Buffer.from(b).toString("base64url");
  const state = { issued: 0, ttl, refreshed: 0 };
  const service = "berth-test-registry";
  const issuer = "berth-test-issuer";
  const refreshTokens = new Map<string, string>();
  const server: Server = createServer((req, res) => {
    void handle(req, res);
  });
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? "/", "http://x");
    const deny = (): void => {
      res.writeHead(401, { "Content-Type": "application/json" });
      res.end(JSON.stringify({ errors: [{ code: "UNAUTHORIZED", message: "invalid credentials" }] }));
    };
    let user: string | undefined;
    let scopes: string[];
    if (req.method === "POST") {
      // OAuth2 refresh-token grant (docker's oauth.md): form body, scopes space-separated.
      let body = "";
      for await (const chunk of req) body += String(chunk);
      const form = new URLSearchParams(body);
      user = refreshTokens.get(form.get("refresh_token") ?? "");
      if (form.get("grant_type") !== "refresh_token" || user === undefined) return deny();
      scopes = (form.get("scope") ?? "").split(" ").filter((x) => x !== "");
      state.refreshed++;
    } else {
      const basic = /^Basic (.+)$/.exec(req.headers.authorization ?? "")?.[1];
      const [name, ...rest] = basic ? Buffer.from(basic, "base64").toString().split(":") : [];
      if (name === undefined || users[name] !== rest.join(":")) return deny();
      user = name;
      scopes = url.searchParams.getAll("scope");
    }
    const access = scopes.flatMap((s) => {
      const [type, name, actions] = [
        s.split(":")[0],
        s.split(":").slice(1, -1).join(":"),
        s.split(":").at(-1),
      ];
      return type === "repository" ? [{ type, name, actions: (actions ?? "").split(",") }] : [];
    });
    const now = Math.floor(Date.now() / 1000);
    const header = { alg: "RS256", typ: "JWT", x5c: [der] };
    const claims = {
      iss: issuer,
      sub: user,
      aud: url.searchParams.get("service") ?? service,
      exp: now + state.ttl,
      nbf: now - 10,
      iat: now,
      jti: randomBytes(8).toString("hex"),
      access,
    };
    const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`;
    const signature = createSign("RSA-SHA256").update(input).sign(privateKey);
    state.issued++;
    const reply: Record<string, unknown> = { token: `${input}.${b64url(signature)}`, expires_in: state.ttl };
    if (req.method === "GET" && url.searchParams.get("offline_token") === "true") {
      const refresh = randomBytes(16).toString("hex");
      refreshTokens.set(refresh, user);
      reply["refresh_token"] = refresh;
    }
    res.writeHead(200, { "Content-Type": "application/json" });
    res.end(JSON.stringify(reply));
  };
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address !== null ? address.port : 0;
  return {
    realm: `http://127.0.0.1:${port}/token`,
    service,
    issuer,
    certPath: cert,
    get issued() {
      return state.issued;
    },
    get refreshed() {
      return state.refreshed;
    },
    get ttl() {
      return state.ttl;
    },
    set ttl(v: number) {
      state.ttl = v;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

// A small token service for distribution's `auth: token:` (docker-distribution auth-token.md):
// GET /token?service=&scope=&account= with Basic credentials returns an RS256 JWT signed by a key
// whose self-signed certificate is the registry's rootcertbundle (sent in the `x5c` header, so
// the registry checks it against that bundle). Counts requests so tests can see caching.
import { createPrivateKey, createSign, X509Certificate, randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { makeCert } from "./docker-registry.ts";

export interface TokenServer {
  realm: string;
  service: string;
  issuer: string;
  certPath: string;
  /** Token requests answered with a token. */
  issued: number;
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
  const state = { issued: 0, ttl };
  const service = "berth-test-registry";
  const issuer = "berth-test-issuer";
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://x");
    const basic = /^Basic (.+)$/.exec(req.headers.authorization ?? "")?.[1];
    const [user, ...rest] = basic ? Buffer.from(basic, "base64").toString().split(":") : [];
    if (user === undefined || users[user] !== rest.join(":")) {
      res.writeHead(401, { "Content-Type": "application/json" });
      res.end(JSON.stringify({ errors: [{ code: "UNAUTHORIZED", message: "invalid credentials" }] }));
      return;
    }
    const access = url.searchParams.getAll("scope").flatMap((s) => {
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
    res.writeHead(200, { "Content-Type": "application/json" });
    res.end(JSON.stringify({ token: `${input}.${b64url(signature)}`, expires_in: state.ttl }));
  });
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

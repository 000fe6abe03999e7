// `berth registry serve`: an OCI distribution registry (spec.md) over HTTP or HTTPS, storage on
// disk (registry-storage.ts), optional htpasswd or token authentication, and optionally its own
// token service at /token.
import { generateKeyPairSync, createPrivateKey, createPublicKey, type KeyObject } from "node:crypto";
import { readFile } from "node:fs/promises";
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import { parseHtpasswd, requiredAccess } from "./auth.ts";
import { AuthGate, Htpasswd, type TokenAuthConfig } from "./auth-gate.ts";
import { trustedKeysFromPem, type TrustedKeys } from "./jwt.ts";
import { registryError, RegistryError } from "./registry-errors.ts";
import {
  checkName,
  handleBase,
  handleBlob,
  handleCatalog,
  handleManifest,
  handleReferrers,
  handleTags,
  handleUpload,
  mapStorageError,
  type RequestContext,
} from "./registry-handlers.ts";
import { RegistryStorage } from "./registry-storage.ts";
import { parseRoute } from "./repo-name.ts";
import { issueToken, type TokenServiceConfig } from "./token-service.ts";

export interface RegistryServerOptions {
  /** host:port, [v6]:port or :port; port 0 picks a free one. */
  addr: string;
  root: string;
  htpasswdFile?: string | undefined;
  /** Token auth: where clients get tokens, the service name, the issuer, and the trusted keys/certs file. */
  tokenRealm?: string | undefined;
  tokenService?: string | undefined;
  tokenIssuer?: string | undefined;
  tokenRootCertBundle?: string | undefined;
  /** Serve /token for htpasswd users (and point the challenge's realm at it unless tokenRealm is set). */
  tokenServer?: boolean | undefined;
  /** PEM private key the token service signs with; a fresh P-256 key when absent. */
  tokenKeyFile?: string | undefined;
  tokenTtlSeconds?: number | undefined;
  tlsCert?: string | undefined;
  tlsKey?: string | undefined;
  /** Upload sessions idle longer than this are removed (default 24 h). */
  uploadTtlMs?: number | undefined;
  /** One line per failed request and for server errors. */
  log?: (line: string) => void | undefined;
}

export interface RunningRegistry {
  /** The bound address as host:port. */
  address: string;
  /** http(s)://host:port */
  url: string;
  close(): Promise<void>;
}

export function parseListenAddress(addr: string): { host: string; port: number } {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]]*)):([0-9]{1,5})$/.exec(addr);
  if (!m) throw new Error(`invalid listen address ${JSON.stringify(addr)}: want host:port`);
  const port = Number(m[3]);
  if (port > 65535) throw new Error(`invalid port in ${JSON.stringify(addr)}`);
  return { host: m[1] ?? (m[2] || "0.0.0.0"), port };
}

export async function startRegistryServer(options: RegistryServerOptions): Promise<RunningRegistry> {
  const log = options.log ?? ((): void => undefined);
  // Every option is checked before anything is created under --root.
  const { host, port } = parseListenAddress(options.addr);
  const storage = new RegistryStorage(options.root);
  const uploadTtl = options.uploadTtlMs ?? 24 * 3600 * 1000;
  const htpasswd = options.htpasswdFile
    ? new Htpasswd(parseHtpasswd(await readFile(options.htpasswdFile, "utf8")))
    : undefined;
  const tls =
    options.tlsCert && options.tlsKey
      ? { cert: await readFile(options.tlsCert), key: await readFile(options.tlsKey) }
      : undefined;
  if ((options.tlsCert === undefined) !== (options.tlsKey === undefined)) {
    throw new Error("--tls-cert and --tls-key go together");
  }
  if (options.tokenServer && htpasswd === undefined)
    throw new Error("--token-server needs --htpasswd for its users");
  if (!options.tokenServer && options.tokenRealm !== undefined && options.tokenRootCertBundle === undefined) {
    throw new Error(
      "token auth needs --auth-token-rootcertbundle (the token service's certificate or public key)",
    );
  }

  let signingKey: KeyObject | undefined;
  if (options.tokenServer) {
    signingKey = options.tokenKeyFile
      ? createPrivateKey(await readFile(options.tokenKeyFile))
      : generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey;
  }
  const trusted: TrustedKeys | undefined = options.tokenRootCertBundle
    ? trustedKeysFromPem(await readFile(options.tokenRootCertBundle, "utf8"))
    : undefined;
  if (trusted && signingKey) trusted.keys.push(createPublicKey(signingKey));
  await storage.init(uploadTtl);

  // Filled in once the port is known (the realm and service name may contain it).
  let gate = new AuthGate({ htpasswd });
  let tokenService: TokenServiceConfig | undefined;

  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    void handle(req, res).catch((err: unknown) => {
      // A client that went away (mid-upload, or mid-download as resumable pulls do): nothing to
      // answer; what an upload sent so far is kept so it can resume.
      if (req.socket.destroyed || (req.destroyed && !req.complete)) {
        res.destroy();
        return;
      }
      log(
        `internal error on ${req.method ?? "?"} ${req.url ?? "?"}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`,
      );
      if (!res.headersSent) {
        res.setHeader("Connection", "close");
        res.writeHead(500, { "Content-Type": "application/json" });
        res.end(
          JSON.stringify({
            errors: [
              {
                code: "UNKNOWN",
                message: "unknown error",
                detail: err instanceof Error ? err.message : String(err),
              },
            ],
          }),
        );
      } else res.destroy();
    });
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://registry");
    const method = req.method ?? "GET";
    if (url.pathname === "/token" && tokenService) {
      const form =
        method === "POST" ? new URLSearchParams((await readSmallBody(req)).toString("utf8")) : undefined;
      const reply = await issueToken(tokenService, req, url.searchParams, form);
      const body = JSON.stringify(reply.body);
      res.writeHead(reply.status, {
        "Content-Type": "application/json",
        "Content-Length": Buffer.byteLength(body),
        ...reply.headers,
      });
      res.end(body);
      return;
    }
    // spec.md "Legacy Docker support HTTP headers"
    res.setHeader("Docker-Distribution-API-Version", "registry/2.0");
    const ctx: RequestContext = { req, res, url, storage };
    try {
      const path = url.pathname;
      if (path === "/v2/" || path === "/v2") {
        await authorize(req, res, requiredAccess(method, "base"));
        if (method !== "GET" && method !== "HEAD") throw registryError("UNSUPPORTED", { method });
        return handleBase(ctx);
      }
      if (path === "/v2/_catalog") {
        await authorize(req, res, requiredAccess(method, "catalog"));
        return await handleCatalog(ctx);
      }
      const route = parseRoute(path);
      if (route === undefined)
        throw registryError("UNSUPPORTED", { path }, { status: 404, message: "unknown endpoint" });
      checkName(route.name);
      const from = route.kind === "uploads" ? (url.searchParams.get("from") ?? undefined) : undefined;
      await authorize(req, res, requiredAccess(method, route, from));
      switch (route.kind) {
        case "manifests":
          return await handleManifest(ctx, route);
        case "blobs":
          return await handleBlob(ctx, route);
        case "uploads":
          return await handleUpload(ctx, route);
        case "tags":
          return await handleTags(ctx, route);
        case "referrers":
          return await handleReferrers(ctx, route);
      }
    } catch (raw) {
      const err = mapStorageError(raw);
      if (!(err instanceof RegistryError)) throw err;
      log(`${method} ${url.pathname}: ${err.status} ${err.code}`);
      if (res.headersSent) {
        res.destroy();
        return;
      }
      // A body we will not read (a refused upload) must not be drained: close after answering.
      if (!req.complete) res.setHeader("Connection", "close");
      const body = err.body();
      res.writeHead(err.status, {
        "Content-Type": "application/json",
        "Content-Length": Buffer.byteLength(body),
      });
      res.end(req.method === "HEAD" ? undefined : body);
    }
  }

  async function authorize(
    req: IncomingMessage,
    res: ServerResponse,
    needed: ReturnType<typeof requiredAccess>,
  ): Promise<void> {
    if (!gate.enabled) return;
    const result = await gate.check(req.headers.authorization, needed);
    if (result.ok) return;
    res.setHeader("WWW-Authenticate", result.challenge);
    throw registryError(result.code, result.detail);
  }

  const server: Server = tls ? createHttpsServer(tls, handler) : createHttpServer(handler);
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const bound = server.address() as AddressInfo;
  const address =
    bound.family === "IPv6" ? `[${bound.address}]:${bound.port}` : `${bound.address}:${bound.port}`;
  const url = `${tls ? "https" : "http"}://${address}`;

  const service = options.tokenService ?? address;
  if (options.tokenServer && signingKey) {
    tokenService = {
      issuer: options.tokenIssuer ?? "berth-registry",
      service,
      key: signingKey,
      htpasswd,
      ttl: options.tokenTtlSeconds ?? 300,
    };
  }
  if (options.tokenServer || options.tokenRealm !== undefined) {
    const token: TokenAuthConfig = {
      realm: options.tokenRealm ?? `${url}/token`,
      service,
      issuer: options.tokenIssuer ?? "berth-registry",
      trusted: trusted ?? { keys: signingKey ? [createPublicKey(signingKey)] : [], certs: [] },
    };
    gate = new AuthGate({ token });
  } else {
    gate = new AuthGate({ htpasswd });
  }

  const purge = setInterval(
    () => {
      storage.purgeUploads(uploadTtl).catch((err: unknown) => log(`purging uploads: ${String(err)}`));
    },
    Math.min(uploadTtl, 3600_000),
  );
  purge.unref();

  return {
    address,
    url,
    close: () =>
      new Promise<void>((resolve) => {
        clearInterval(purge);
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function readSmallBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.byteLength;
    if (size > 64 << 10) throw registryError("SIZE_INVALID", undefined, { status: 413 });
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

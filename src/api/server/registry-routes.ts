// Registry routes (swagger.yaml): POST /images/create?fromImage= (pull), POST /images/{name}/push,
// POST /auth. Credentials come in X-Registry-Auth (base64url JSON AuthConfig) or the /auth body.
import { invalidArgument } from "../../lib/index.ts";
import type { ProgressSink } from "./backend.ts";
import { JsonMessageStream } from "./json-stream.ts";
import type { RequestContext } from "./request-context.ts";
import type { Router } from "./router.ts";

export interface RegistryAuthConfig {
  username?: string;
  password?: string;
  auth?: string;
  serveraddress?: string;
  identitytoken?: string;
  registrytoken?: string;
}

export interface PullRequest {
  fromImage: string;
  tag: string;
  platform: string;
  auth: RegistryAuthConfig | undefined;
}

export interface PushRequest {
  name: string;
  tag: string;
  platform: string;
  auth: RegistryAuthConfig | undefined;
}

export interface RegistryBackend {
  pullImage(request: PullRequest, progress: ProgressSink): Promise<void>;
  pushImage(request: PushRequest, progress: ProgressSink): Promise<void>;
  /** Checks credentials against the registry; returns an identity token when one was issued. */
  login(auth: RegistryAuthConfig): Promise<{ identityToken?: string }>;
}

/** Decodes X-Registry-Auth: base64url (padding optional; standard base64 accepted) JSON. */
export function decodeRegistryAuth(header: string | string[] | undefined): RegistryAuthConfig | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined || value.trim() === "") return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(value.replace(/-/g, "+").replace(/_/g, "/"), "base64").toString("utf8"));
  } catch {
    throw invalidArgument("REGISTRY_AUTH", "invalid X-Registry-Auth header: not base64url-encoded JSON");
  }
  return authConfigOf(parsed);
}

function authConfigOf(parsed: unknown): RegistryAuthConfig | undefined {
  if (parsed === null || typeof parsed !== "object") return undefined;
  const o = parsed as Record<string, unknown>;
  const out: RegistryAuthConfig = {};
  for (const key of [
    "username",
    "password",
    "auth",
    "serveraddress",
    "identitytoken",
    "registrytoken",
  ] as const) {
    // Docker's AuthConfig keys are matched case-insensitively by Go's encoding/json.
    const entry = Object.entries(o).find(([k]) => k.toLowerCase() === key);
    if (typeof entry?.[1] === "string" && entry[1] !== "") out[key] = entry[1];
  }
  return Object.keys(out).length === 0 ? undefined : out;
}

/** The handler for /images/create with fromImage (image-routes delegates to it). */
export function pullRoute(backend: RegistryBackend) {
  return async (ctx: RequestContext): Promise<void> => {
    const fromImage = ctx.query.get("fromImage") ?? "";
    if (fromImage === "") throw invalidArgument("PULL_NO_IMAGE", "fromImage or fromSrc is required");
    const request: PullRequest = {
      fromImage,
      tag: ctx.query.get("tag") ?? "",
      platform: ctx.query.get("platform") ?? "",
      auth: decodeRegistryAuth(ctx.req.headers["x-registry-auth"]),
    };
    const stream = new JsonMessageStream(ctx.res);
    await streaming(stream, () => backend.pullImage(request, (m) => stream.write(m)));
  };
}

export function addRegistryRoutes(router: Router, backend: RegistryBackend): void {
  router.add("POST", "/images/{name*}/push", async (ctx) => {
    const request: PushRequest = {
      name: ctx.param("name"),
      tag: ctx.query.get("tag") ?? "",
      platform: ctx.query.get("platform") ?? "",
      auth: decodeRegistryAuth(ctx.req.headers["x-registry-auth"]),
    };
    const stream = new JsonMessageStream(ctx.res);
    await streaming(stream, () => backend.pushImage(request, (m) => stream.write(m)));
  });

  router.add("POST", "/auth", async (ctx) => {
    const chunks: Buffer[] = [];
    for await (const chunk of ctx.req as AsyncIterable<Buffer>) chunks.push(chunk);
    let parsed: unknown;
    try {
      parsed = JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}");
    } catch {
      throw invalidArgument("AUTH_BODY", "invalid JSON in the request body");
    }
    const { identityToken } = await backend.login(authConfigOf(parsed) ?? {});
    ctx.json(200, { Status: "Login Succeeded", IdentityToken: identityToken ?? "" });
  });
}

/** Errors before the first message get a real status; after it, in-band ({"errorDetail"}). */
async function streaming(stream: JsonMessageStream, run: () => Promise<void>): Promise<void> {
  try {
    await run();
  } catch (err) {
    if (!stream.isStarted) throw err;
    stream.error(err instanceof Error ? err.message : String(err));
  }
  stream.end();
}

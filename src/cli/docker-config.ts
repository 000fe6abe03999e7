// Registry credentials where the docker CLI keeps them: `$DOCKER_CONFIG/config.json` (default
// ~/.docker/config.json) `auths` entries ({"auth": base64("user:pass")}), or a credential helper
// named by `credHelpers[<registry>]` or `credsStore`, spoken to with Docker's
// docker-credential-helpers protocol (`docker-credential-<name> get|store|erase`, JSON on stdio).
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";

export const DOCKER_HUB_AUTH_KEY = "https://index.docker.io/v1/";

export interface AuthConfig {
  username?: string;
  password?: string;
  serveraddress?: string;
  identitytoken?: string;
}

interface ConfigFile {
  auths?: Record<string, { auth?: string; identitytoken?: string }>;
  credsStore?: string;
  credHelpers?: Record<string, string>;
  [key: string]: unknown;
}

export function configDir(): string {
  return process.env["DOCKER_CONFIG"] || join(homedir(), ".docker");
}

function configPath(): string {
  return join(configDir(), "config.json");
}

function readConfig(): ConfigFile {
  try {
    return JSON.parse(readFileSync(configPath(), "utf8")) as ConfigFile;
  } catch {
    return {};
  }
}

function writeConfig(config: ConfigFile): void {
  mkdirSync(configDir(), { recursive: true, mode: 0o700 });
  const tmp = `${configPath()}.tmp-${process.pid}`;
  writeFileSync(tmp, JSON.stringify(config, null, "\t") + "\n", { mode: 0o600 });
  renameSync(tmp, configPath());
}

/** The config.json key of a registry: Docker Hub's legacy URL, else host[:port]. */
export function authKeyOf(registry: string): string {
  const host = registry.replace(/^[a-z]+:\/\//i, "").split("/")[0] ?? registry;
  return host === "" || host === "docker.io" || host === "index.docker.io" || host === "registry-1.docker.io"
    ? DOCKER_HUB_AUTH_KEY
    : host;
}

/** The registry of an image name, as distribution's splitDockerDomain decides it. */
export function registryOfImage(image: string): string {
  const slash = image.indexOf("/");
  if (slash < 0) return "docker.io";
  const first = image.slice(0, slash);
  return first.includes(".") || first.includes(":") || first === "localhost" || first !== first.toLowerCase()
    ? first
    : "docker.io";
}

function helperFor(config: ConfigFile, key: string): string | undefined {
  return config.credHelpers?.[key] ?? config.credsStore;
}

function runHelper(
  helper: string,
  action: string,
  input: string,
): { ok: boolean; stdout: string; stderr: string } {
  const r = spawnSync(`docker-credential-${helper}`, [action], { input, encoding: "utf8" });
  if (r.error !== undefined) {
    return { ok: false, stdout: "", stderr: `error getting credentials - err: ${r.error.message}` };
  }
  return { ok: r.status === 0, stdout: r.stdout, stderr: (r.stdout + r.stderr).trim() };
}

/** Stored credentials for a registry, or undefined. */
export function getCredentials(registry: string): AuthConfig | undefined {
  const key = authKeyOf(registry);
  const config = readConfig();
  const helper = helperFor(config, key);
  if (helper !== undefined) {
    const r = runHelper(helper, "get", key);
    if (!r.ok) return undefined;
    const parsed = JSON.parse(r.stdout) as { Username?: string; Secret?: string };
    if (!parsed.Secret) return undefined;
    // A helper returns "<token>" as username for identity tokens (docker's credentials store).
    return parsed.Username === "<token>"
      ? { identitytoken: parsed.Secret, serveraddress: key }
      : { username: parsed.Username ?? "", password: parsed.Secret, serveraddress: key };
  }
  const entry = config.auths?.[key];
  if (entry === undefined) return undefined;
  const out: AuthConfig = { serveraddress: key };
  if (entry.auth) {
    const decoded = Buffer.from(entry.auth, "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    out.username = decoded.slice(0, colon);
    out.password = decoded.slice(colon + 1);
  }
  if (entry.identitytoken) out.identitytoken = entry.identitytoken;
  return out;
}

export function storeCredentials(registry: string, auth: AuthConfig): void {
  const key = authKeyOf(registry);
  const config = readConfig();
  const helper = helperFor(config, key);
  if (helper !== undefined) {
    const r = runHelper(
      helper,
      "store",
      JSON.stringify({
        ServerURL: key,
        Username: auth.identitytoken ? "<token>" : (auth.username ?? ""),
        Secret: auth.identitytoken ?? auth.password ?? "",
      }),
    );
    if (!r.ok) throw new Error(`error storing credentials - err: ${r.stderr}`);
    config.auths = { ...config.auths, [key]: {} };
  } else {
    const entry: { auth?: string; identitytoken?: string } = {
      auth: Buffer.from(`${auth.username ?? ""}:${auth.identitytoken ? "" : (auth.password ?? "")}`).toString(
        "base64",
      ),
    };
    if (auth.identitytoken) entry.identitytoken = auth.identitytoken;
    config.auths = { ...config.auths, [key]: entry };
  }
  writeConfig(config);
}

/** Removes stored credentials; false when there were none. */
export function eraseCredentials(registry: string): boolean {
  const key = authKeyOf(registry);
  const config = readConfig();
  const had = config.auths?.[key] !== undefined;
  const helper = helperFor(config, key);
  if (helper !== undefined) runHelper(helper, "erase", key);
  if (config.auths !== undefined) delete config.auths[key];
  if (had) writeConfig(config);
  return had || helper !== undefined;
}

/** X-Registry-Auth: base64url JSON of the AuthConfig (what the docker CLI sends). */
export function encodeAuthHeader(auth: AuthConfig | undefined): string {
  return Buffer.from(JSON.stringify(auth ?? {})).toString("base64url");
}

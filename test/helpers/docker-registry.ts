// Debian's docker-registry (distribution 2.8) on 127.0.0.1 for registry-client tests: a temp
// config (filesystem storage), optional htpasswd basic auth, token auth (see token-server.ts) and
// TLS with an openssl-made certificate. stop() kills the process and removes the directory.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { request } from "node:http";
import { request as httpsRequest } from "node:https";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runChecked } from "./run-command.ts";

export interface RegistryOptions {
  /** Basic auth with these users (bcrypt htpasswd via `htpasswd -Bbn`). */
  users?: Record<string, string>;
  /** Token auth: the token server's realm URL, service, issuer and its certificate (PEM path). */
  token?: { realm: string; service: string; issuer: string; certPath: string };
  /** Serve HTTPS with a certificate for 127.0.0.1 made here; `caPath` holds it. */
  tls?: boolean;
}

export interface TestRegistry {
  /** `127.0.0.1:<port>` */
  host: string;
  dir: string;
  /** PEM of the TLS certificate (a self-signed CA), when tls was asked. */
  caPath?: string;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === "string") throw new Error("no port");
  return address.port;
}

export async function makeCert(
  dir: string,
  name: string,
  cn: string,
): Promise<{ cert: string; key: string }> {
  const cert = join(dir, `${name}.crt`);
  const key = join(dir, `${name}.key`);
  await runChecked("openssl", [
    "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert, "-days", "2",
    "-subj", `/CN=${cn}`, "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
  ]); // prettier-ignore
  return { cert, key };
}

export async function startRegistry(options: RegistryOptions = {}): Promise<TestRegistry> {
  const dir = await mkdtemp(join(tmpdir(), "berth-registry-"));
  const port = await freePort();
  const host = `127.0.0.1:${port}`;
  const lines = [
    "version: 0.1",
    "log:",
    "  level: warn",
    "storage:",
    "  filesystem:",
    `    rootdirectory: ${join(dir, "data")}`,
    "  delete:",
    "    enabled: true",
    "http:",
    `  addr: ${host}`,
    "  secret: berth-test-secret",
  ];
  let caPath: string | undefined;
  if (options.tls) {
    const { cert, key } = await makeCert(dir, "tls", "127.0.0.1");
    caPath = cert;
    lines.push("  tls:", `    certificate: ${cert}`, `    key: ${key}`);
  }
  if (options.users) {
    const entries: string[] = [];
    for (const [user, password] of Object.entries(options.users)) {
      entries.push((await runChecked("htpasswd", ["-Bbn", user, password])).stdout.trim());
    }
    await writeFile(join(dir, "htpasswd"), entries.join("\n") + "\n");
    lines.push("auth:", "  htpasswd:", "    realm: berth-test", `    path: ${join(dir, "htpasswd")}`);
  } else if (options.token) {
    const t = options.token;
    lines.push(
      "auth:",
      "  token:",
      `    realm: ${t.realm}`,
      `    service: ${t.service}`,
      `    issuer: ${t.issuer}`,
      `    rootcertbundle: ${t.certPath}`,
    );
  }
  const config = join(dir, "config.yml");
  await writeFile(config, lines.join("\n") + "\n");
  const child: ChildProcess = spawn("/usr/bin/docker-registry", ["serve", config], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (c: Buffer) => (output += c.toString()));
  child.stderr?.on("data", (c: Buffer) => (output += c.toString()));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGKILL");
      await exited;
    }
    await rm(dir, { recursive: true, force: true });
  };
  process.once("exit", () => child.kill("SIGKILL"));
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`docker-registry exited: ${output}`);
    }
    if (await answers(host, caPath)) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`docker-registry did not answer on ${host}: ${output}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return { host, dir, ...(caPath ? { caPath } : {}), stop };
}

function answers(host: string, ca: string | undefined): Promise<boolean> {
  return new Promise((resolve) => {
    const [hostname, port] = host.split(":");
    const opts = { hostname, port: Number(port), path: "/v2/", method: "GET", rejectUnauthorized: false };
    const req = (ca ? httpsRequest : request)(opts, (res) => {
      res.resume();
      resolve(true);
    });
    req.on("error", () => resolve(false));
    req.end();
  });
}

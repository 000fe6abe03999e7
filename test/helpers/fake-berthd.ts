// A stand-in for berthd used only by daemon.test.ts, so the harness (start, ping, requests,
// uploads, CLI wiring, stop/kill/restart, cleanup) is tested before the real daemon exists.
// It takes berthd's flags and serves just enough of the Engine API.
import { createHash } from "node:crypto";
import { mkdirSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import type { IncomingMessage, ServerResponse } from "node:http";

function flag(name: string): string {
  const at = process.argv.indexOf(name);
  const value = at < 0 ? undefined : process.argv[at + 1];
  if (value === undefined) throw new Error(`fake-berthd: missing ${name}`);
  return value;
}

if (process.env.FAKE_BERTHD_FAIL === "1") {
  console.error("fake-berthd: fatal: refusing to start (FAKE_BERTHD_FAIL=1)");
  process.exit(3);
}

const socket = flag("--host").replace(/^unix:\/\//, "");
mkdirSync(flag("--root"), { recursive: true });
mkdirSync(flag("--exec-root"), { recursive: true });
// FAKE_BERTHD_IGNORE_TERM=1 plays a daemon that hangs on shutdown, to exercise SIGKILL.
const ignoreTerm = process.env.FAKE_BERTHD_IGNORE_TERM === "1";

const VERSION = {
  Platform: { Name: "fake berthd" },
  Version: "0.0.0-fake",
  ApiVersion: "1.44",
  MinAPIVersion: "1.24",
  Os: "linux",
  Arch: "amd64",
  KernelVersion: "6.1.0",
  GitCommit: "fake",
  GoVersion: "none",
  BuildTime: "2024-01-01T00:00:00.000000000Z",
};

function send(res: ServerResponse, status: number, body: string, type = "application/json"): void {
  res.writeHead(status, { "Content-Type": type, "Api-Version": "1.44", Ostype: "linux" });
  res.end(body);
}

async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const path = (req.url ?? "/").split("?")[0]?.replace(/^\/v\d+\.\d+/, "");
  if (path === "/_ping")
    return send(res, 200, req.method === "HEAD" ? "" : "OK", "text/plain; charset=utf-8");
  if (path === "/version") return send(res, 200, JSON.stringify(VERSION));
  if (path === "/images/load" && req.method === "POST") {
    // Reports what arrived, so tests can check streamed uploads byte for byte.
    const hash = createHash("sha256");
    let bytes = 0;
    for await (const chunk of req) {
      hash.update(chunk as Buffer);
      bytes += (chunk as Buffer).length;
    }
    const info = {
      bytes,
      sha256: hash.digest("hex"),
      chunked: req.headers["transfer-encoding"] === "chunked",
    };
    return send(res, 200, `${JSON.stringify({ stream: JSON.stringify(info) })}\n`);
  }
  if (path === "/echo") {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const echo = {
      method: req.method,
      url: req.url,
      headers: req.headers,
      body: Buffer.concat(chunks).toString(),
    };
    return send(res, 200, JSON.stringify(echo));
  }
  console.error(`fake-berthd: 404 ${req.method} ${req.url}`);
  send(res, 404, JSON.stringify({ message: `page not found` }));
}

rmSync(socket, { force: true });
const server = createServer((req, res) => {
  handle(req, res).catch((err: unknown) => send(res, 500, JSON.stringify({ message: String(err) })));
});
server.listen(socket, () => console.error(`fake-berthd: listening on ${socket}`));
process.on("SIGTERM", () => {
  if (ignoreTerm) {
    console.error("fake-berthd: ignoring SIGTERM");
    return;
  }
  console.error("fake-berthd: shutting down");
  server.close(() => process.exit(0));
  server.closeAllConnections();
});

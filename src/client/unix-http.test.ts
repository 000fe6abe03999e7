import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, it } from "node:test";
import { unixRequest, unixUpgrade } from "./unix-http.ts";

// A real node:http server on a unix socket: what berthd runs.
let dir = "";
let sock = "";
let server: Server;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), "berth-unix-http-"));
  sock = join(dir, "s.sock");
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString();
      if (req.url === "/echo") {
        res.setHeader("Content-Type", "application/json");
        res.end(JSON.stringify({ method: req.method, body, type: req.headers["content-type"] ?? null }));
      } else if (req.url === "/chunked") {
        res.write("part one, ");
        setImmediate(() => res.end("part two"));
      } else {
        res.statusCode = 404;
        res.end(JSON.stringify({ message: `No such thing: ${req.url}` }));
      }
    });
  });
  server.on("upgrade", (req, socket) => {
    if (req.url !== "/up") {
      socket.end('HTTP/1.1 400 Bad Request\r\nContent-Length: 18\r\n\r\n{"message":"nope"}');
      return;
    }
    // The 101 and the first stream bytes in one write: they must not be lost.
    socket.write("HTTP/1.1 101 UPGRADED\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\nhello ");
    const got: Buffer[] = [];
    socket.on("data", (c: Buffer) => got.push(c));
    // Half-close: the client ends its side, the server still answers on ours.
    socket.on("end", () => socket.end(`got ${Buffer.concat(got).toString()}`));
  });
  await new Promise<void>((resolve) => server.listen(sock, resolve));
});

after(async () => {
  await new Promise((resolve) => server.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

it("sends a body and reads a Content-Length response", async () => {
  const r = await unixRequest(sock, {
    method: "POST",
    path: "/echo",
    headers: { "Content-Type": "application/json" },
    body: '{"é":1}',
  });
  assert.equal(r.status, 200);
  assert.equal(r.headers.get("content-type"), "application/json");
  assert.deepEqual(JSON.parse(r.body.toString()), {
    method: "POST",
    body: '{"é":1}',
    type: "application/json",
  });
  const empty = await unixRequest(sock, { method: "POST", path: "/echo", body: Buffer.alloc(0) });
  assert.deepEqual(JSON.parse(empty.body.toString()), { method: "POST", body: "", type: null });
});

it("reads a chunked response and an error status", async () => {
  const r = await unixRequest(sock, { method: "GET", path: "/chunked" });
  assert.equal(r.headers.get("transfer-encoding"), "chunked");
  assert.equal(r.body.toString(), "part one, part two");
  const missing = await unixRequest(sock, { method: "GET", path: "/x" });
  assert.equal(missing.status, 404);
  assert.equal(missing.body.toString(), '{"message":"No such thing: /x"}');
});

it("upgrades: bytes sent with the 101 stay in the socket, half-close keeps reading", async () => {
  const { response, socket } = await unixUpgrade(sock, {
    method: "POST",
    path: "/up",
    headers: { Upgrade: "tcp" },
    body: "{}",
  });
  assert.equal(response.status, 101);
  assert.ok(socket);
  socket.end("ping");
  const chunks: Buffer[] = [];
  for await (const c of socket) chunks.push(c as Buffer);
  assert.equal(Buffer.concat(chunks).toString(), "hello got ping");
  const refused = await unixUpgrade(sock, { method: "POST", path: "/other", headers: { Upgrade: "tcp" } });
  assert.equal(refused.socket, undefined);
  assert.equal(refused.response.status, 400);
  assert.equal(refused.response.body.toString(), '{"message":"nope"}');
});

it("fails with the connect error when nothing listens", async () => {
  await assert.rejects(unixRequest(join(dir, "none.sock"), { method: "GET", path: "/" }), { code: "ENOENT" });
});

import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { unixRequestEarly } from "./unix-http-early.ts";

const dir = mkdtempSync(join(tmpdir(), "berth-early-"));
after(() => rmSync(dir, { recursive: true, force: true }));

/** A server that answers each request's head at once and hands the socket to the test. */
async function server(name: string, onRequest: (socket: Socket) => void): Promise<string> {
  const path = join(dir, name);
  const srv = createServer((socket) => socket.once("data", () => onRequest(socket)));
  await new Promise<void>((resolve) => srv.listen(path, resolve));
  after(() => srv.close());
  return path;
}

test("the head resolves before the body, which follows when the server ends it", async () => {
  let finish = (): void => undefined;
  const path = await server("wait.sock", (socket) => {
    socket.write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n");
    // The body in two chunks, after the head: as berthd answers a wait once the container exits.
    finish = () => socket.end('f\r\n{"StatusCode":3\r\n1\r\n}\r\n0\r\n\r\n');
  });
  const res = await unixRequestEarly(path, { method: "POST", path: "/containers/x/wait" });
  assert.equal(res.status, 200);
  let bodyIn = false;
  void res.body.then(() => (bodyIn = true));
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(bodyIn, false, "no body before the server sends it");
  finish();
  assert.deepEqual(JSON.parse((await res.body).toString()), { StatusCode: 3 });
});

test("close() gives up on the body: it rejects and the connection goes", async () => {
  let closed: Promise<void> = Promise.resolve();
  const path = await server("close.sock", (socket) => {
    closed = new Promise((resolve) => socket.on("close", () => resolve()));
    socket.write("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n");
  });
  const res = await unixRequestEarly(path, { method: "POST", path: "/x" });
  res.close();
  await assert.rejects(res.body, /request closed/);
  await closed;
});

test("a connection refused rejects the head", async () => {
  await assert.rejects(unixRequestEarly(join(dir, "absent.sock"), { method: "GET", path: "/x" }), {
    code: "ENOENT",
  });
});

// GET /containers/{id}/attach/ws against a real berthd with a hand-written RFC 6455 client:
// handshake, stdin from masked frames, raw (unframed) output, logs, per-stream parameters from
// API 1.42, text frames before 1.28, close frames both ways, detach keys, protocol errors.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { openWebsocket } from "../helpers/websocket-client.ts";
import { useBusyboxDaemon } from "../helpers/use-busybox-daemon.ts";

describe("attach websocket", () => {
  const daemon = useBusyboxDaemon();

  it("carries stdin in and stdout+stderr out raw; a close frame ends it", async () => {
    const run = await daemon.docker([
      "run",
      "-d",
      "-i",
      "--name",
      "ws-echo",
      "busybox",
      "sh",
      "-c",
      'while read l; do echo "got $l"; echo "err $l" >&2; done',
    ]);
    assert.equal(run.code, 0, run.stderr);
    const ws = await openWebsocket(
      daemon.socket,
      "/v1.47/containers/ws-echo/attach/ws?stream=1&stdin=1&stdout=1&stderr=1",
    );
    assert.equal(ws.status, 101, ws.head + ws.body);
    // Fragmented message: "hel" + "lo\n".
    ws.send(0x2, "hel", false);
    ws.send(0x0, "lo\n");
    const out = await ws.readUntil((t) => t.includes("got hello\n") && t.includes("err hello\n"));
    assert.equal(out.closed, undefined);
    // Raw bytes: no 8-byte stream headers.
    assert.doesNotMatch(out.text, /[\x00-\x02]/);
    ws.send(0x9, "ping");
    const pong = await ws.next();
    assert.deepEqual(pong, { opcode: 0xa, payload: Buffer.from("ping") });
    ws.send(0x8, Buffer.from([0x03, 0xe8]));
    const closed = await ws.readUntil(() => false);
    assert.equal(closed.closed?.opcode, 8);
    assert.equal(closed.closed?.payload.readUInt16BE(0), 1000);
    ws.destroy();
    assert.equal(
      (await daemon.request("GET", "/containers/ws-echo/json")).json<{ State: { Running: boolean } }>().State
        .Running,
      true,
    );
  });

  it("logs=1 replays output; stdout/stderr count from API 1.42; text frames before 1.28", async () => {
    const run = await daemon.docker([
      "run",
      "--name",
      "ws-logs",
      "busybox",
      "sh",
      "-c",
      "echo out; echo err >&2",
    ]);
    assert.equal(run.code, 0, run.stderr);
    const onlyOut = await openWebsocket(daemon.socket, "/v1.47/containers/ws-logs/attach/ws?logs=1&stdout=1");
    assert.equal(onlyOut.status, 101);
    const a = await onlyOut.readUntil(() => false);
    assert.equal(a.text, "out\n");
    assert.equal(a.closed?.opcode, 8, "the output ends with a close frame");
    onlyOut.destroy();

    const old = await openWebsocket(daemon.socket, "/v1.41/containers/ws-logs/attach/ws?logs=1");
    const b = await old.readUntil(() => false);
    assert.equal(b.text.split("\n").sort().join("\n"), "\nerr\nout");
    old.destroy();

    const text = await openWebsocket(daemon.socket, "/v1.27/containers/ws-logs/attach/ws?logs=1");
    const first = await text.next();
    assert.equal(first?.opcode, 0x1);
    text.destroy();
    const binary = await openWebsocket(daemon.socket, "/v1.28/containers/ws-logs/attach/ws?logs=1");
    assert.equal((await binary.next())?.opcode, 0x2);
    binary.destroy();
  });

  it("with a TTY: typed input echoes back and the detach keys leave the container running", async () => {
    const run = await daemon.docker(["run", "-d", "-it", "--name", "ws-tty", "busybox", "sh"]);
    assert.equal(run.code, 0, run.stderr);
    const ws = await openWebsocket(daemon.socket, "/containers/ws-tty/attach/ws?stream=1&stdin=1&stdout=1");
    assert.equal(ws.status, 101);
    ws.send(0x2, "echo $((6*7))\n");
    const out = await ws.readUntil((t) => t.includes("42"));
    assert.match(out.text, /42/);
    ws.send(0x2, Buffer.from([0x10, 0x11])); // ctrl-p ctrl-q
    const closed = await ws.readUntil(() => false);
    assert.equal(closed.closed?.opcode, 8);
    ws.destroy();
    const state = (await daemon.request("GET", "/containers/ws-tty/json")).json<{
      State: { Running: boolean };
    }>();
    assert.equal(state.State.Running, true);
  });

  it("refuses a missing container, a plain GET and unmasked frames", async () => {
    const missing = await openWebsocket(daemon.socket, "/containers/nope/attach/ws?stream=1");
    assert.equal(missing.status, 404);
    assert.match(missing.body, /No such container: nope/);
    const plain = await daemon.request("GET", "/containers/ws-tty/attach/ws?stream=1");
    assert.equal(plain.status, 400);

    const ws = await openWebsocket(daemon.socket, "/containers/ws-tty/attach/ws?stream=1&stdin=1&stdout=1");
    assert.equal(ws.status, 101);
    ws.sendRaw(Buffer.from([0x82, 0x01, 0x41])); // unmasked: RFC 6455 §5.1 protocol error
    const closed = await ws.readUntil(() => false);
    assert.equal(closed.closed?.payload.readUInt16BE(0), 1002);
    ws.destroy();
    assert.equal((await daemon.request("GET", "/_ping")).status, 200);
  });
});

// Writes dist/berth.cjs.cache and dist/berth-exec.cjs.cache, the V8 code caches bin/berth compiles
// the CLI bundles with. Made by this node at build time (a cache only fits the V8 version and flags
// that made it; never committed). bin/berth makes each itself (BERTH_CODE_CACHE_OUT) after one
// training run of a command: the cache then also holds the functions that start-up, flag parsing
// and the requests compile, not just the top level.
//   - dist/berth.cjs: `berth ps` against a socket that does not exist (up to the first connect).
//   - dist/berth-exec.cjs: `berth exec` through to its exit code, against a training peer on a
//     temp socket that answers its three requests (create, start with its stream, inspect) as
//     berthd does. The functions that read responses and the stream are then compiled from the
//     cache too, not parsed on every run (~1 ms of `berth exec`'s start-up).
//   - dist/berth-run.cjs: `berth run --rm busybox true` through to its exit code, against a
//     training peer that answers create, attach (its stream), wait (head first, then the exit
//     code once started) and start as berthd does.
import { spawn } from "node:child_process";
import { mkdtempSync, renameSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";

// Flags from NODE_OPTIONS would go into the cache's flag hash, which berth's runs then miss.
const { NODE_OPTIONS: _, ...env } = process.env;

/** One training run of bin/berth with `args`; resolves with its exit status and stderr. */
function train(cache, args) {
  // bin/berth itself, not `node bin/berth`: its #! line's node and flags are those a cache must match.
  const child = spawn("bin/berth", args, {
    env: { ...env, BERTH_CODE_CACHE_OUT: cache, BERTH_HOST: "", DOCKER_HOST: "" },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (d) => (stderr += d));
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (status) => resolve({ status, stderr }));
  });
}

/** The frame of the multiplexed stream (Engine API "Stream format"). */
function frame(stream, text) {
  const header = Buffer.alloc(8);
  header[0] = stream;
  header.writeUInt32BE(Buffer.byteLength(text), 4);
  return Buffer.concat([header, Buffer.from(text)]);
}

/**
 * Runs `fn(host)` while a training peer listens on a temp unix socket: `answer(req, res)` gets
 * each plain request once its body is read; an upgrade (attach, exec start) gets the 101 head
 * and is handed to `upgraded(conn)`.
 */
async function withPeer(answer, upgraded, fn) {
  const dir = mkdtempSync(join(tmpdir(), "berth-code-cache-"));
  const socket = join(dir, "peer.sock");
  const server = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      res.setHeader("Content-Type", "application/json");
      if (!answer(req, res)) {
        res.writeHead(404).end(`{"message":"not part of the training run: ${req.method} ${req.url}"}`);
      }
    });
  });
  server.on("upgrade", (req, conn) => {
    conn.on("error", () => undefined);
    conn.write("HTTP/1.1 101 UPGRADED\r\nContent-Type: application/vnd.docker.multiplexed-stream\r\n");
    conn.write("Connection: Upgrade\r\nUpgrade: tcp\r\n\r\n");
    upgraded(conn);
  });
  await new Promise((resolve) => server.listen(socket, resolve));
  try {
    return await fn(`unix://${socket}`);
  } finally {
    await new Promise((resolve) => server.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  }
}

const trainingOutput = () => Buffer.concat([frame(1, "out\n"), frame(2, "err\n")]);

/** Answers `berth exec ctr true`'s requests (create, start with its stream, inspect). */
function withExecPeer(fn) {
  const answer = (req, res) => {
    if (req.method === "POST" && /\/containers\/ctr\/exec$/.test(req.url ?? "")) {
      res.writeHead(201).end('{"Id":"training"}');
    } else if (req.method === "GET" && /\/exec\/training\/json$/.test(req.url ?? "")) {
      res.end('{"ExitCode":0,"Running":false}');
    } else return false;
    return true;
  };
  return withPeer(answer, (conn) => conn.end(trainingOutput()), fn);
}

/** Answers `berth run --rm busybox true`'s requests (create, attach, wait, start). */
function withRunPeer(fn) {
  // The attach stream and the wait, both answered once the container is "started".
  const pending = [];
  const answer = (req, res) => {
    const url = req.url ?? "";
    if (req.method === "POST" && /\/containers\/create(\?|$)/.test(url)) {
      res.writeHead(201).end('{"Id":"training","Warnings":[]}');
    } else if (req.method === "POST" && /\/containers\/training\/wait\?condition=removed$/.test(url)) {
      res.writeHead(200);
      res.flushHeaders();
      pending.push(() => res.end('{"StatusCode":0}'));
    } else if (req.method === "POST" && /\/containers\/training\/start$/.test(url)) {
      res.writeHead(204).end();
      for (const respond of pending.splice(0)) respond();
    } else return false;
    return true;
  };
  return withPeer(answer, (conn) => pending.push(() => conn.end(trainingOutput())), fn);
}

async function makeCache(cache, expectedStatus, expectedStderr, run) {
  const tmp = `${cache}.tmp-${process.pid}`;
  rmSync(cache, { force: true });
  const r = await run(tmp);
  // Anything other than the expected outcome means the bundle is broken.
  if (r.status !== expectedStatus || !r.stderr.includes(expectedStderr)) {
    rmSync(tmp, { force: true });
    throw new Error(`berth code cache ${cache}: unexpected training run (status ${r.status}): ${r.stderr}`);
  }
  renameSync(tmp, cache);
}

// The run fails to connect (exit 1).
await makeCache("dist/berth.cjs.cache", 1, "Cannot connect to the berth daemon", (out) =>
  train(out, ["-H", "unix:///nonexistent/berth-code-cache.sock", "ps"]),
);
// bin/berth runs dist/berth-exec.cjs for `exec`.
await makeCache("dist/berth-exec.cjs.cache", 0, "err\n", (out) =>
  withExecPeer((host) => train(out, ["-H", host, "exec", "ctr", "true"])),
);
// bin/berth runs dist/berth-run.cjs for `run`.
await makeCache("dist/berth-run.cjs.cache", 0, "err\n", (out) =>
  withRunPeer((host) => train(out, ["-H", host, "run", "--rm", "busybox", "true"])),
);

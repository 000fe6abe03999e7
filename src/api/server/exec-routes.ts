// Exec instances (swagger.yaml tag "Exec"): create, start (hijacked stream), inspect, resize.
// Handlers parse the request; the backend runs the process; streaming the process's stdio over
// the hijacked connection (framed without a TTY, raw with one) happens here.
import type { Readable, Writable } from "node:stream";
import { invalidArgument } from "../../lib/index.ts";
import type { Router } from "./router.ts";

export interface ExecCreateRequest {
  Cmd?: string[] | null;
  Env?: string[] | null;
  WorkingDir?: string;
  User?: string;
  Privileged?: boolean;
  Tty?: boolean;
  AttachStdin?: boolean;
  AttachStdout?: boolean;
  AttachStderr?: boolean;
  DetachKeys?: string;
  ConsoleSize?: number[] | null;
}

export interface ExecStartRequest {
  Detach?: boolean;
  Tty?: boolean;
  ConsoleSize?: number[] | null;
}

export interface ExecInspect {
  ID: string;
  Running: boolean;
  ExitCode: number | null;
  ProcessConfig: {
    tty: boolean;
    entrypoint: string;
    arguments: string[];
    privileged: boolean;
    user?: string;
  };
  OpenStdin: boolean;
  OpenStderr: boolean;
  OpenStdout: boolean;
  CanRemove: boolean;
  ContainerID: string;
  DetachKeys: string;
  Pid: number;
}

/** A started exec's stdio. With a TTY, `stdout` is the terminal (stderr goes there too). */
export interface ExecSession {
  tty: boolean;
  stdin: Writable | null;
  stdout: Readable | null;
  stderr: Readable | null;
  /** Resolves once the process has exited and its exit code is recorded. */
  exited: Promise<void>;
}

export interface ExecBackend {
  createExec(containerRef: string, request: ExecCreateRequest): Promise<{ Id: string }>;
  /** Starts the process; `detach` leaves its stdio unattached. */
  startExec(id: string, request: ExecStartRequest): Promise<ExecSession>;
  inspectExec(id: string): ExecInspect;
  resizeExec(id: string, height: number, width: number): Promise<void>;
}

/** Largest terminal dimension accepted (uint16 in struct winsize). */
const MAX_TTY_SIZE = 65535;

export function addExecRoutes(router: Router, backend: ExecBackend): void {
  router.add("POST", "/containers/{id}/exec", async (ctx) => {
    const body = (await ctx.readJson<ExecCreateRequest>()) ?? {};
    ctx.json(201, await backend.createExec(ctx.param("id"), body));
  });
  router.add("GET", "/exec/{id}/json", (ctx) => {
    ctx.json(200, backend.inspectExec(ctx.param("id")));
    return Promise.resolve();
  });
  router.add("POST", "/exec/{id}/resize", async (ctx) => {
    const h = ttySize(ctx.query.get("h"), "height");
    const w = ttySize(ctx.query.get("w"), "width");
    await backend.resizeExec(ctx.param("id"), h, w);
    ctx.noContent(200);
  });
  router.add("POST", "/exec/{id}/start", async (ctx) => {
    const body = (await ctx.readJson<ExecStartRequest>()) ?? {};
    const session = await backend.startExec(ctx.param("id"), body);
    if (body.Detach === true) {
      ctx.noContent(200);
      return;
    }
    const socket = ctx.hijack(
      session.tty ? "application/vnd.docker.raw-stream" : "application/vnd.docker.multiplexed-stream",
    );
    await pump(session, socket);
  });
}

/** h and w as Docker checks them: integers in 0..65535 (struct winsize holds uint16). */
export function ttySize(value: string | null, name: string): number {
  const n = Number(value ?? "");
  if (value === null || value === "" || !Number.isInteger(n) || n < 0 || n > MAX_TTY_SIZE) {
    throw invalidArgument("INVALID_TTY_SIZE", `invalid ${name} for TTY resize: ${value ?? ""}`);
  }
  return n;
}

/** One frame of the multiplexed stream: swagger "Stream format" (8-byte header, then payload). */
export function streamFrame(stream: 1 | 2 | 3, payload: Buffer): Buffer {
  const header = Buffer.alloc(8);
  header[0] = stream;
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
}

/**
 * Client bytes to the process's stdin (the client's half-close ends stdin), the process's
 * output to the client until it exits, then the connection closes.
 */
async function pump(session: ExecSession, socket: NodeJS.ReadWriteStream & Writable): Promise<void> {
  const { stdin } = session;
  if (stdin !== null) {
    socket.on("data", (chunk: Buffer) => {
      if (!stdin.destroyed && !stdin.write(chunk)) {
        socket.pause();
        stdin.once("drain", () => socket.resume());
      }
    });
    socket.on("end", () => stdin.end());
    stdin.on("error", () => socket.resume());
    socket.resume(); // reading the request body may have paused it
  } else {
    socket.resume();
  }
  let closed = false;
  socket.on("close", () => {
    closed = true;
    stdin?.destroy();
  });
  socket.on("error", () => undefined);
  const forward = async (source: Readable | null, kind: 1 | 2): Promise<void> => {
    if (source === null) return;
    try {
      for await (const chunk of source as AsyncIterable<Buffer>) {
        if (closed) continue; // keep draining so the process never blocks on a full pipe
        const data = session.tty ? chunk : streamFrame(kind, chunk);
        if (!socket.write(data) && !closed)
          await new Promise((resolve) => {
            socket.once("drain", resolve);
            socket.once("close", resolve);
          });
      }
    } catch {
      // a terminal's master reads EIO once the process side is gone: that is the end
    }
  };
  await Promise.all([forward(session.stdout, 1), forward(session.stderr, 2), session.exited]);
  if (!closed) socket.end();
}

// `docker exec`: exec instances of running containers. An exec's process is the container's own
// process from its config.json with the exec's command, env, cwd, user and capabilities
// (src/runtime/spec/exec-process.ts), started inside the container by berth's small C helper
// (native/berth_exec.c, src/runtime/exec/) rather than `runc exec`, whose two Go runtime starts
// alone cost more than the whole `docker exec` budget (40 ms, issue 4). The helper is a child of
// berthd with pipes for stdio, or the slave of a pty of berthd's for -t (which it relays to a
// pty of the container's own devpts, the process's terminal), and exits with the process's status. Finished records are kept a little (the CLI reads the exit code after the
// stream ends) and dropped past a per-container cap and when the container is removed.
import type { ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFileSync, statSync } from "node:fs";
import { constants } from "node:os";
import { join } from "node:path";
import type {
  ExecBackend,
  ExecCreateRequest,
  ExecInspect,
  ExecSession,
  ExecStartRequest,
} from "../api/server/index.ts";
import type { ContainerStore } from "../container/index.ts";
import { conflict, invalidArgument, notFound, type Logger } from "../lib/index.ts";
import {
  containerCapabilities,
  execHelperConfig,
  execProcessSpec,
  hostCgroupLayout,
  parseSpecJson,
  processCgroupProcs,
  seccompCachePath,
  spawnExecHelper,
  type CgroupLayout,
  type ExecStdio,
} from "../runtime/index.ts";
import type { ContainerRuntime } from "./container-runtime.ts";
import type { EventLog } from "./event-log.ts";
import { openExecTerminal, type ExecTerminal } from "./exec-terminal.ts";
import { readUserDb } from "./container-user-db.ts";
import { containerEventAttributes } from "./container-event-attributes.ts";

/** Finished (or never started) exec records kept per container; older ones are dropped. */
export const KEEP_IDLE_EXECS = 32;

interface ExecInstance {
  id: string;
  containerId: string;
  config: Required<Omit<ExecCreateRequest, "ConsoleSize">> & { Cmd: string[]; Env: string[] };
  started: boolean;
  running: boolean;
  exitCode: number | null;
  pid: number;
  terminal?: ExecTerminal;
  /** Order of becoming idle, for the per-container cap. */
  idleSince: number;
}

type Store = ContainerStore<
  { Env?: string[] | null; Image?: string; Labels?: Record<string, string> | null },
  unknown
>;

export interface ExecServiceOptions {
  store: Store;
  runtime: ContainerRuntime;
  events: EventLog;
  log: Logger;
}

export class ExecService implements ExecBackend {
  private readonly execs = new Map<string, ExecInstance>();
  private readonly specs = new Map<
    string,
    { mtimeMs: number; size: number; spec: ReturnType<typeof parseSpecJson>; seccompCache?: string }
  >();
  /** cgroup.procs files of each container's init, by container (read once per init pid). */
  private readonly cgroups = new Map<string, { pid: number; procs: string[] }>();
  private cgroupLayout: CgroupLayout | undefined;
  private readonly allCapabilities: string[];
  private idleCounter = 0;

  constructor(private readonly options: ExecServiceOptions) {
    this.allCapabilities = containerCapabilities({
      capAdd: [],
      capDrop: [],
      privileged: true,
      boundingCaps: options.runtime.host.boundingCaps,
    });
  }

  /** How many exec records are held (for tests and GC checks). */
  get size(): number {
    return this.execs.size;
  }

  createExec(containerRef: string, request: ExecCreateRequest): Promise<{ Id: string }> {
    const c = this.runningContainer(containerRef);
    const cmd = request.Cmd ?? [];
    const strings = (v: unknown): boolean => Array.isArray(v) && v.every((x) => typeof x === "string");
    if (!strings(cmd) || (request.Env != null && !strings(request.Env)))
      throw invalidArgument("INVALID_EXEC_CONFIG", "Cmd and Env must be arrays of strings");
    if (cmd.length === 0) throw invalidArgument("NO_EXEC_COMMAND", "No exec command specified");
    const id = randomBytes(32).toString("hex");
    const exec: ExecInstance = {
      id,
      containerId: c.id,
      config: {
        Cmd: [...cmd],
        Env: [...(request.Env ?? [])],
        WorkingDir: request.WorkingDir ?? "",
        User: request.User ?? "",
        Privileged: request.Privileged === true,
        Tty: request.Tty === true,
        AttachStdin: request.AttachStdin === true,
        AttachStdout: request.AttachStdout === true,
        AttachStderr: request.AttachStderr === true,
        DetachKeys: request.DetachKeys ?? "",
      },
      started: false,
      running: false,
      exitCode: null,
      pid: 0,
      idleSince: ++this.idleCounter,
    };
    this.execs.set(id, exec);
    this.collect(c.id);
    this.publish(exec, `exec_create: ${cmd.join(" ")}`);
    return Promise.resolve({ Id: id });
  }

  inspectExec(id: string): ExecInspect {
    const e = this.get(id);
    const [entrypoint = "", ...args] = e.config.Cmd;
    return {
      ID: e.id,
      Running: e.running,
      ExitCode: e.exitCode,
      ProcessConfig: {
        tty: e.config.Tty,
        entrypoint,
        arguments: args,
        privileged: e.config.Privileged,
        ...(e.config.User ? { user: e.config.User } : {}),
      },
      OpenStdin: e.config.AttachStdin,
      OpenStderr: e.config.AttachStderr,
      OpenStdout: e.config.AttachStdout,
      CanRemove: false,
      ContainerID: e.containerId,
      DetachKeys: e.config.DetachKeys,
      Pid: e.pid,
    };
  }

  async resizeExec(id: string, height: number, width: number): Promise<void> {
    const e = this.get(id);
    // Docker answers a resize of an exec without a terminal as a no-op.
    if (e.terminal !== undefined && e.running) e.terminal.resize(height, width);
    return Promise.resolve();
  }

  async startExec(id: string, request: ExecStartRequest): Promise<ExecSession> {
    const e = this.get(id);
    if (e.running) throw conflict("EXEC_RUNNING", `Error: Exec command ${id} is already running`);
    if (e.started) throw conflict("EXEC_DONE", `Error: Exec command ${id} has already run`);
    const c = this.runningContainer(e.containerId);
    e.started = true;
    e.running = true;
    const detach = request.Detach === true;
    const tty = e.config.Tty;
    const bundle = this.options.runtime.bundle(c.id);
    let terminal: ExecTerminal | undefined;
    let child: ChildProcess;
    let errors: string[];
    try {
      const { spec: config, seccompCache } = this.containerSpec(bundle, c.id);
      const process = execProcessSpec({
        container: config.process,
        ...(c.config.Env ? { containerConfigEnv: c.config.Env } : {}),
        cmd: e.config.Cmd,
        env: e.config.Env,
        workingDir: e.config.WorkingDir,
        user: e.config.User,
        privileged: e.config.Privileged,
        tty,
        allCapabilities: this.allCapabilities,
        // The image's user database only matters for -u.
        ...(e.config.User ? readUserDb(join(this.options.runtime.dir(c.id), "merged")) : {}),
      });
      const helperConfig = execHelperConfig({
        containerId: c.id,
        initPid: c.state.Pid,
        process,
        namespaces: config.linux?.namespaces ?? [],
        cgroupProcs: this.cgroupProcs(c.id, c.state.Pid),
        ...(config.linux?.seccomp === undefined ? {} : { seccomp: config.linux.seccomp }),
        ...(seccompCache === undefined ? {} : { seccompCache }),
      });
      if (tty) terminal = openExecTerminal();
      const attach = !detach;
      const stdio: [ExecStdio, ExecStdio, ExecStdio] =
        terminal !== undefined
          ? [terminal.slaveFd, terminal.slaveFd, terminal.slaveFd]
          : [
              attach && e.config.AttachStdin ? "pipe" : "ignore",
              attach && e.config.AttachStdout ? "pipe" : "ignore",
              attach && e.config.AttachStderr ? "pipe" : "ignore",
            ];
      const helper = spawnExecHelper(helperConfig, stdio);
      child = helper.child;
      errors = helper.errors;
      void helper.pid.then((pid) => {
        if (pid > 0) e.pid = pid;
      });
      if (terminal !== undefined) {
        terminal.spawned();
        terminal.holdInput(helper.pid); // reported once the helper's side of the pty is raw
        e.terminal = terminal;
        if (detach) terminal.output.resume(); // nobody reads: drain so the process never blocks
        const size = request.ConsoleSize;
        if (size?.length === 2 && (size[0] ?? 0) > 0 && (size[1] ?? 0) > 0)
          terminal.resize(size[0] ?? 0, size[1] ?? 0);
      }
    } catch (err) {
      terminal?.destroy();
      e.running = false;
      e.exitCode = 126;
      this.idle(e);
      throw err;
    }
    this.publish(e, `exec_start: ${e.config.Cmd.join(" ")}`);
    const exited = new Promise<void>((resolve) => {
      child.on("error", (err) => {
        this.options.log.warn("exec spawn failed", { id, err });
      });
      child.on("close", (code, signal) => {
        // The helper exits with the process's status (128+n for a signal n), or Docker's 127
        // (command not found) / 126 (could not start) after writing Docker's message.
        const exitCode = code ?? 128 + signalNumber(signal);
        if (errors.length > 0) this.options.log.debug("exec failed", { id, reason: errors.join("; ") });
        e.exitCode = exitCode;
        e.running = false;
        e.terminal?.close();
        delete e.terminal;
        this.idle(e);
        this.publish(e, "exec_die", { exitCode: String(exitCode) });
        resolve();
      });
    });
    if (terminal !== undefined) {
      return {
        tty: true,
        stdin: detach || !e.config.AttachStdin ? null : terminal.input,
        stdout: detach ? null : terminal.output,
        stderr: null,
        exited,
      };
    }
    return { tty: false, stdin: child.stdin, stdout: child.stdout, stderr: child.stderr, exited };
  }

  /** The container's config.json, parsed once per start (a restart rewrites it). */
  private containerSpec(
    bundle: string,
    containerId: string,
  ): { spec: ReturnType<typeof parseSpecJson>; seccompCache?: string } {
    const path = join(bundle, "config.json");
    const { mtimeMs, size } = statSync(path);
    const cached = this.specs.get(containerId);
    if (cached !== undefined && cached.mtimeMs === mtimeMs && cached.size === size) return cached;
    const spec = parseSpecJson(readFileSync(path, "utf8"));
    const seccomp = spec.linux?.seccomp;
    const entry = {
      mtimeMs,
      size,
      spec,
      ...(seccomp === undefined ? {} : { seccompCache: seccompCachePath(bundle, seccomp) }),
    };
    this.specs.set(containerId, entry);
    return entry;
  }

  /** Where the exec process joins the container's cgroups (those of its init, as runc exec). */
  private cgroupProcs(containerId: string, initPid: number): string[] {
    const cached = this.cgroups.get(containerId);
    if (cached !== undefined && cached.pid === initPid) return cached.procs;
    this.cgroupLayout ??= hostCgroupLayout();
    const procs = processCgroupProcs(initPid, this.cgroupLayout);
    this.cgroups.set(containerId, { pid: initPid, procs });
    return procs;
  }

  /** A removed container's exec records go with it. */
  forgetContainer(containerId: string): void {
    this.specs.delete(containerId);
    this.cgroups.delete(containerId);
    for (const [id, e] of this.execs) if (e.containerId === containerId && !e.running) this.execs.delete(id);
  }

  private runningContainer(ref: string): ReturnType<Store["resolve"]> {
    const c = this.options.store.resolve(ref);
    if (c.state.Paused)
      throw conflict("CONTAINER_PAUSED", `container ${c.id} is paused, unpause the container before exec`);
    if (!c.state.Running) throw conflict("CONTAINER_NOT_RUNNING", `container ${c.id} is not running`);
    return c;
  }

  private get(id: string): ExecInstance {
    const e = this.execs.get(id);
    if (e === undefined) throw notFound("NO_SUCH_EXEC", `No such exec instance: ${id}`);
    return e;
  }

  private idle(e: ExecInstance): void {
    e.idleSince = ++this.idleCounter;
    this.collect(e.containerId);
  }

  /** Keeps at most KEEP_IDLE_EXECS records that are not running per container (oldest go). */
  private collect(containerId: string): void {
    const idle = [...this.execs.values()]
      .filter((x) => x.containerId === containerId && !x.running)
      .sort((a, b) => a.idleSince - b.idleSince);
    for (const x of idle.slice(0, Math.max(0, idle.length - KEEP_IDLE_EXECS))) this.execs.delete(x.id);
  }

  private publish(e: ExecInstance, action: string, extra: Record<string, string> = {}): void {
    const c = this.options.store.get(e.containerId);
    this.options.events.publish("container", action, e.containerId, {
      ...(c ? containerEventAttributes(c) : {}),
      execID: e.id,
      ...extra,
    });
  }
}

function signalNumber(signal: NodeJS.Signals | null): number {
  return signal === null ? 0 : (constants.signals[signal] ?? 0);
}

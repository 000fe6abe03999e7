// Starts a real berthd on a private temp --root/--exec-root/socket for integration tests, with
// clients bound to it: raw HTTP over the socket, the real docker CLI, and the berth CLI.
import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import type { OutgoingHttpHeaders } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { unmountAllUnder } from "./mount-cleanup.ts";
import { deleteRuncContainers, killProcessesMentioning } from "./process-cleanup.ts";
import { runCommand } from "./run-command.ts";
import { removeTestNetwork, testNetwork, type TestNetwork } from "./network-cleanup.ts";
import type { RunOptions, RunResult } from "./run-command.ts";
import { unixRequest, unixStream } from "./unix-http.ts";
import type { DaemonResponse, RequestBody, StreamResponse } from "./unix-http.ts";

export { fileBody } from "./unix-http.ts";
export type { DaemonResponse, RequestBody, StreamResponse } from "./unix-http.ts";
export type { RunResult } from "./run-command.ts";

export const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));
export const BERTHD = join(REPO_ROOT, "bin", "berthd");
export const BERTH = join(REPO_ROOT, "bin", "berth");
/** The bundle bin/berthd runs; integration tests skip when it has not been built. */
export const BERTHD_BUNDLE = join(REPO_ROOT, "dist", "berthd.mjs");
export const DOCKER_CLI = "/usr/local/bin/docker";

export interface StartDaemonOptions {
  /** Extra berthd flags, after the ones the helper sets. */
  args?: string[];
  /** Extra environment for berthd. */
  env?: NodeJS.ProcessEnv;
  /**
   * Content of the daemon.json passed with --config-file. Tests never reach the internet: Docker
   * Hub is always in "blocked-registries", so a missing image fails at once without a lookup.
   */
  config?: Record<string, unknown>;
  /** How long to wait for GET /_ping to answer OK (default 30 s). */
  startTimeoutMs?: number;
  /** How long stop() waits after SIGTERM before SIGKILL (default 15 s). */
  stopTimeoutMs?: number;
  /** Script to run instead of bin/berthd (the helper's own tests use a fake daemon). */
  entry?: string;
  /** Node flags before the script, e.g. ["--import", "tsx"] for a TypeScript entry. */
  nodeArgs?: string[];
  /** Copy the daemon's output to this process's stderr (default: env BERTH_TEST_DAEMON_LOG=1). */
  echoLogs?: boolean;
}

export interface ExitStatus {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface CliOptions {
  input?: RunOptions["input"];
  env?: NodeJS.ProcessEnv;
  /** Default 120 s; the child is SIGKILLed after it. */
  timeoutMs?: number;
}

export interface TestDaemon {
  /** Temp directory holding everything below. */
  readonly dir: string;
  readonly root: string;
  readonly execRoot: string;
  readonly socket: string;
  /** `unix://<socket>` */
  readonly host: string;
  /** The daemon's own default bridge and subnet (unless the test passed --bridge itself). */
  readonly network: TestNetwork;
  /** pid of the current berthd process (changes on restart). */
  readonly pid: number;
  /** How the previous berthd process ended, once one has. */
  readonly lastExit: ExitStatus | undefined;
  request(
    method: string,
    path: string,
    body?: RequestBody,
    headers?: OutgoingHttpHeaders,
  ): Promise<DaemonResponse>;
  /** Like request, but resolves at the response headers with the body left to read. */
  stream(
    method: string,
    path: string,
    body?: RequestBody,
    headers?: OutgoingHttpHeaders,
  ): Promise<StreamResponse>;
  /** Runs the real docker CLI against this daemon. */
  docker(args: readonly string[], options?: CliOptions): Promise<RunResult>;
  /** Runs bin/berth against this daemon. */
  berth(args: readonly string[], options?: CliOptions): Promise<RunResult>;
  /** The daemon's output so far (stdout and stderr interleaved; the last few MiB). */
  logs(): string;
  /** SIGTERM, wait for exit, SIGKILL after the stop timeout. */
  stop(): Promise<ExitStatus | undefined>;
  /** SIGKILL (a crash), wait for exit. */
  kill9(): Promise<ExitStatus | undefined>;
  /** stop() if running, then start again on the same directories. */
  restart(): Promise<void>;
  /** stop(), end leftover containers and monitors, unmount everything below dir, remove dir. */
  cleanup(): Promise<void>;
}

const LOG_LIMIT = 4 * 1024 * 1024;
const PING_INTERVAL_MS = 50;

// Output of a child kept in memory, bounded: the newest bytes win.
class LogBuffer {
  private chunks: Buffer[] = [];
  private size = 0;
  append(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.size += chunk.length;
    while (this.size > LOG_LIMIT && this.chunks.length > 1) this.size -= this.chunks.shift()?.length ?? 0;
  }
  text(): string {
    return Buffer.concat(this.chunks).toString("utf8");
  }
  tail(chars = 6000): string {
    const text = this.text();
    return text.length > chars ? `…${text.slice(-chars)}` : text;
  }
}

// Daemons still running when the test process exits are killed, so none outlives a failed run.
const live = new Set<ChildProcess>();
let exitHookInstalled = false;
function track(child: ChildProcess): void {
  live.add(child);
  child.once("exit", () => live.delete(child));
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once("exit", () => {
    for (const c of live) c.kill("SIGKILL");
  });
}

// The helper decides where the CLIs connect: inherited DOCKER_* / BERTH_* settings must not leak in.
function cleanEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith("DOCKER_") && !key.startsWith("BERTH_") && key !== "NODE_EXTRA_CA_CERTS")
      env[key] = value;
  }
  return { ...env, ...extra };
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export async function startDaemon(options: StartDaemonOptions = {}): Promise<TestDaemon> {
  const dir = await mkdtemp(join(tmpdir(), "berth-test-"));
  const root = join(dir, "root");
  const execRoot = join(dir, "exec");
  const socket = join(dir, "berth.sock");
  const host = `unix://${socket}`;
  const configFile = join(dir, "daemon.json");
  const dockerConfig = join(dir, "docker-config");
  await mkdir(dockerConfig);
  await writeFile(join(dockerConfig, "config.json"), "{}\n");
  const config = { ...options.config, "blocked-registries": ["docker.io"] };
  await writeFile(configFile, `${JSON.stringify(config)}\n`);

  const startTimeoutMs = options.startTimeoutMs ?? 30_000;
  const stopTimeoutMs = options.stopTimeoutMs ?? 15_000;
  const network = testNetwork();
  const echo = options.echoLogs ?? process.env.BERTH_TEST_DAEMON_LOG === "1";
  const log = new LogBuffer();
  const argv = [
    ...(options.nodeArgs ?? []),
    options.entry ?? BERTHD,
    "--root",
    root,
    "--exec-root",
    execRoot,
    "--host",
    host,
    "--log-level",
    "debug",
    "--config-file",
    configFile,
    ...(options.args?.includes("--bridge") ? [] : network.args),
    ...(options.args ?? []),
  ];

  let child: ChildProcess | undefined;
  let exited: Promise<ExitStatus> = Promise.resolve({ code: null, signal: null });
  let lastExit: ExitStatus | undefined;
  let cleanedUp = false;

  async function ping(): Promise<boolean> {
    try {
      const res = await unixRequest(socket, "GET", "/_ping", undefined, {}, { idleTimeoutMs: 2000 });
      return res.status === 200 && res.text() === "OK";
    } catch {
      return false;
    }
  }

  async function start(): Promise<void> {
    // Node itself, not the shebang: the same node binary and no PATH lookup.
    const proc = spawn(process.execPath, argv, {
      stdio: ["ignore", "pipe", "pipe"],
      env: cleanEnv(options.env),
    });
    child = proc;
    track(proc);
    const onData = (chunk: Buffer): void => {
      log.append(chunk);
      if (echo) process.stderr.write(chunk);
    };
    proc.stdout?.on("data", onData);
    proc.stderr?.on("data", onData);
    exited = new Promise((resolve) => {
      proc.once("exit", (code, signal) => {
        lastExit = { code, signal };
        resolve(lastExit);
      });
      proc.once("error", (err) => {
        log.append(Buffer.from(`spawn error: ${err.message}\n`));
        lastExit = { code: null, signal: null };
        resolve(lastExit);
      });
    });
    let running = true;
    void exited.then(() => (running = false));

    const deadline = Date.now() + startTimeoutMs;
    while (Date.now() < deadline) {
      if (!running) {
        throw new Error(
          `berthd exited during startup (${describeExit(lastExit)}): ${argv.join(" ")}\n--- berthd output ---\n${log.tail()}`,
        );
      }
      if (await ping()) return;
      await delay(PING_INTERVAL_MS);
    }
    await terminate("SIGKILL");
    throw new Error(
      `berthd did not answer GET /_ping within ${startTimeoutMs} ms: ${argv.join(" ")}\n--- berthd output ---\n${log.tail()}`,
    );
  }

  async function terminate(signal: NodeJS.Signals): Promise<ExitStatus | undefined> {
    const proc = child;
    if (proc === undefined || proc.exitCode !== null || proc.signalCode !== null) return lastExit;
    proc.kill(signal);
    const timedOut = Symbol("timeout");
    let timer: NodeJS.Timeout | undefined;
    const outcome = await Promise.race([
      exited,
      new Promise<typeof timedOut>((resolve) => (timer = setTimeout(() => resolve(timedOut), stopTimeoutMs))),
    ]);
    clearTimeout(timer);
    if (outcome !== timedOut) return outcome;
    proc.kill("SIGKILL");
    return exited;
  }

  const cli = async (
    file: string,
    args: readonly string[],
    cliOptions: CliOptions = {},
  ): Promise<RunResult> =>
    runCommand(file, args, {
      env: cleanEnv({ DOCKER_HOST: host, BERTH_HOST: host, DOCKER_CONFIG: dockerConfig, ...cliOptions.env }),
      timeoutMs: cliOptions.timeoutMs ?? 120_000,
      ...(cliOptions.input === undefined ? {} : { input: cliOptions.input }),
    });

  const daemon: TestDaemon = {
    dir,
    network,
    root,
    execRoot,
    socket,
    host,
    get pid() {
      return child?.pid ?? -1;
    },
    get lastExit() {
      return lastExit;
    },
    request: (method, path, body, headers) => unixRequest(socket, method, path, body, headers),
    stream: (method, path, body, headers) => unixStream(socket, method, path, body, headers),
    docker: (args, cliOptions) => cli(DOCKER_CLI, args, cliOptions),
    berth: (args, cliOptions) => cli(process.execPath, [BERTH, ...args], cliOptions),
    logs: () => log.text(),
    stop: () => terminate("SIGTERM"),
    kill9: () => terminate("SIGKILL"),
    async restart() {
      await terminate("SIGTERM");
      await start();
    },
    async cleanup() {
      if (cleanedUp) return;
      cleanedUp = true;
      await terminate("SIGTERM");
      await deleteRuncContainers(dir);
      await killProcessesMentioning(dir);
      const stuck = await unmountAllUnder(dir);
      await removeTestNetwork(network.bridge);
      await rm(dir, { recursive: true, force: true, maxRetries: 3 });
      if (stuck.length > 0) throw new Error(`cleanup could not unmount:\n${stuck.join("\n")}`);
    },
  };

  try {
    await start();
  } catch (err) {
    cleanedUp = true;
    await terminate("SIGKILL");
    await unmountAllUnder(dir);
    await removeTestNetwork(network.bridge);
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
  return daemon;
}

function describeExit(exit: ExitStatus | undefined): string {
  if (exit === undefined) return "still running";
  return exit.signal === null ? `exit code ${exit.code}` : `signal ${exit.signal}`;
}

// Thin typed wrappers over the OCI runtime CLI (runc's command line; crun speaks the same).
// Every call logs JSON to a file so a failure reports the runtime's own reason.
import { mkdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { runProcess } from "./run-process.ts";
import { lastRuntimeError, logOffset } from "./runtime-log.ts";
import { parseRuntimeList, parseRuntimeState, type RuntimeState } from "./runtime-state.ts";
import { execRootLayout, monitorPaths } from "./paths.ts";
import { deleteStoppedDirect, signalInitDirect, startCreatedDirect } from "./runc-direct.ts";
import { runtimeContainerNotFound, runtimeFailed, type ProcessFailure } from "../../lib/index.ts";

export interface RuncOptions {
  /** The runtime setting: a name looked up in PATH or an absolute path (default "runc"). */
  readonly runtime: string;
  /** berth's --exec-root; runc's state lives in <execRoot>/runc. */
  readonly execRoot: string;
  /** Per-call deadline; a wedged runtime must not wedge berthd. */
  readonly timeoutMs?: number;
}

export const DEFAULT_RUNTIME = "runc";

export class Runc {
  readonly #runtime: string;
  readonly #execRoot: string;
  readonly #timeoutMs: number;

  constructor(options: RuncOptions) {
    this.#runtime = options.runtime;
    this.#execRoot = options.execRoot;
    this.#timeoutMs = options.timeoutMs ?? 30_000;
  }

  /**
   * The global flags placed before the subcommand; conmon gets the same ones through
   * --runtime-arg so runc create and our later calls share one state dir and one log.
   */
  globalArgs(logFile: string): string[] {
    return [`--root=${execRootLayout(this.#execRoot).runcRoot}`, `--log=${logFile}`, "--log-format=json"];
  }

  async state(id: string): Promise<RuntimeState> {
    const out = await this.#call(id, "state", ["state", id]);
    return parseRuntimeState(JSON.parse(out));
  }

  async start(id: string): Promise<void> {
    // Release the created container's init through its exec fifo, without spawning runc.
    if (await startCreatedDirect(execRootLayout(this.#execRoot).runcRoot, id)) return;
    await this.#call(id, "start", ["start", id]);
  }

  /** `all` signals every process of the container, not only its init. */
  async kill(id: string, signal: string | number, all = false): Promise<void> {
    // The init alone: from runc's state file, without spawning runc (runc-direct.ts).
    if (!all && (await signalInitDirect(execRootLayout(this.#execRoot).runcRoot, id, signal))) return;
    await this.#call(id, "kill", ["kill", ...(all ? ["--all"] : []), id, String(signal)]);
  }

  async delete(id: string, force = false): Promise<void> {
    // An exited container's cgroups and state dir, without spawning runc (runc-direct.ts).
    if (await deleteStoppedDirect(execRootLayout(this.#execRoot).runcRoot, id)) return;
    await this.#call(id, "delete", ["delete", ...(force ? ["--force"] : []), id]);
  }

  async pause(id: string): Promise<void> {
    await this.#call(id, "pause", ["pause", id]);
  }

  async resume(id: string): Promise<void> {
    await this.#call(id, "resume", ["resume", id]);
  }

  /** `runc update -r <file>`: the OCI LinuxResources in the file go to the running container's cgroups. */
  async update(id: string, resourcesFile: string): Promise<void> {
    await this.#call(id, "update", ["update", "--resources", resourcesFile, id]);
  }

  /** Host pids of every process in the container (runc ps). */
  async pids(id: string): Promise<number[]> {
    const out = await this.#call(id, "ps", ["ps", "--format", "json", id]);
    const parsed: unknown = JSON.parse(out);
    return Array.isArray(parsed) ? parsed.filter((p): p is number => typeof p === "number") : [];
  }

  async list(): Promise<RuntimeState[]> {
    const out = await this.#call(undefined, "list", ["list", "--format", "json"]);
    return parseRuntimeList(JSON.parse(out));
  }

  /** The container's own runtime.log when its monitor dir exists, else one shared log. */
  async #logFile(id: string | undefined): Promise<string> {
    if (id !== undefined) {
      const paths = monitorPaths(this.#execRoot, id);
      if (await isDirectory(paths.dir)) return paths.runtimeLog;
    }
    await mkdir(this.#execRoot, { recursive: true });
    return join(this.#execRoot, "runtime.log");
  }

  async #call(id: string | undefined, operation: string, args: string[]): Promise<string> {
    const log = await this.#logFile(id);
    const offset = await logOffset(log);
    const argv = [this.#runtime, ...this.globalArgs(log), ...args];
    const result = await runProcess(argv, { timeoutMs: this.#timeoutMs });
    if (result.exitCode === 0) return result.stdout;
    const failure: ProcessFailure = { argv, exitCode: result.exitCode, stderrTail: result.stderrTail };
    const reason =
      (await lastRuntimeError(log, offset)) ??
      (result.stderrTail || (result.signal === null ? "no error message" : `killed by ${result.signal}`));
    if (id !== undefined && isNotExist(reason, result.stderrTail))
      throw runtimeContainerNotFound(id, failure);
    throw runtimeFailed(operation, reason, failure);
  }
}

function isNotExist(...messages: string[]): boolean {
  return messages.some((m) => m.includes("container does not exist"));
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

// berth's command line: global flags, then the longest command path that matches, then the
// command's own flags (docker/cli's cobra layout). Exit codes as docker's: 125 for usage errors,
// 1 for daemon errors. main.ts runs it with every command; exec-main.ts with `exec` alone (its
// own small bundle: bin/berth picks it for `berth exec`, whose start-up time matters).
import { ApiError, DEFAULT_HOST, EngineClient, socketPathFromHost } from "../client/index.ts";
import type { CliContext, Command } from "./cli-context.ts";
import { CLIENT_VERSION } from "./client-version.ts";
import { parseCommand, UsageError } from "./flags.ts";
import { StreamError } from "./json-messages.ts";

export interface CliProgram {
  commands: readonly Command[];
  /** `berth`, `berth -h`: the list of commands. */
  rootHelp: string;
  /** Management commands (`berth image`) and their descriptions. */
  groups: Readonly<Record<string, string>>;
  /**
   * Once the command is done and its output written, exit at once instead of letting Node stop
   * the event loop and tear down V8's heap and threads (~1 ms, more on a busy machine). Only for
   * commands that leave no work behind them (`berth exec`: its output goes to stdout/stderr,
   * which are synchronous on Linux, and nothing else).
   */
  exitWhenDone?: boolean;
}

// The standard output streams this run made: Node makes each on first access (see ctx below).
const made: { stdout?: NodeJS.WriteStream; stderr?: NodeJS.WriteStream } = {};
const stdout = (): NodeJS.WriteStream => (made.stdout ??= process.stdout);
const stderr = (): NodeJS.WriteStream => (made.stderr ??= process.stderr);

interface Globals {
  host: string;
  rest: string[];
}

function parseGlobals(program: CliProgram, argv: string[]): Globals | number {
  let host = process.env.BERTH_HOST || process.env.DOCKER_HOST || DEFAULT_HOST;
  let i = 0;
  for (; i < argv.length; i++) {
    const arg = argv[i] ?? "";
    if (arg === "-H" || arg === "--host") host = argv[++i] ?? "";
    else if (arg.startsWith("--host=")) host = arg.slice(7);
    else if (arg === "-D" || arg === "--debug") continue;
    else if (arg === "-l" || arg === "--log-level") i++;
    else if (arg === "-v" || arg === "--version") {
      stdout().write(`berth version ${CLIENT_VERSION}\n`);
      return 0;
    } else if (arg === "-h" || arg === "--help") {
      stdout().write(program.rootHelp);
      return 0;
    } else if (arg.startsWith("-")) {
      stderr().write(`unknown flag: ${arg}\nSee 'berth --help'.\n`);
      return 125;
    } else break;
  }
  return { host, rest: argv.slice(i) };
}

function findCommand(
  commands: readonly Command[],
  words: string[],
): { cmd: Command; depth: number } | undefined {
  let best: { cmd: Command; depth: number } | undefined;
  for (const cmd of commands) {
    for (const path of cmd.paths) {
      if (path.length > words.length || (best && path.length <= best.depth)) continue;
      if (path.every((w, i) => words[i] === w)) best = { cmd, depth: path.length };
    }
  }
  return best;
}

async function main(program: CliProgram, argv: string[]): Promise<number> {
  const globals = parseGlobals(program, argv);
  if (typeof globals === "number") return globals;
  const { rest } = globals;
  if (rest.length === 0) {
    stdout().write(program.rootHelp);
    return 0;
  }
  const found = findCommand(program.commands, rest);
  if (!found) {
    const word = rest[0] ?? "";
    const description = program.groups[word];
    if (description !== undefined) {
      // As cobra lists a management command's children: each once, by name, with its description.
      const subs = program.commands
        .flatMap((c) => {
          const path = c.paths.find((p) => p[0] === word && p.length === 2);
          return path === undefined ? [] : [{ name: path[1] ?? "", description: c.spec.description }];
        })
        .sort((a, b) => (a.name < b.name ? -1 : 1));
      const width = Math.max(11, ...subs.map((x) => x.name.length));
      // docker prints a management command's help on stderr when no subcommand is given.
      stderr().write(
        `Usage:  berth ${word} COMMAND\n\n${description}\n\nCommands:\n${subs.map((x) => `  ${x.name.padEnd(width)} ${x.description}`).join("\n")}\n\nRun 'berth ${word} COMMAND --help' for more information on a command.\n`,
      );
      return rest.length === 1 ? 0 : 1;
    }
    stderr().write(`berth: '${word}' is not a berth command.\nSee 'berth --help'\n`);
    return 1;
  }
  const parsed = parseCommand(found.cmd.spec, rest.slice(found.depth));
  if (parsed.kind === "help") {
    stdout().write(parsed.text);
    return 0;
  }
  for (const notice of parsed.notices) stdout().write(`${notice}\n`);
  const ctx: CliContext = {
    client: new EngineClient(socketPathFromHost(globals.host)),
    // Getters: Node makes each stream on first access (~2 ms for stdin), which most commands
    // never need (`run` without -i never reads stdin).
    get stdout() {
      return stdout();
    },
    get stderr() {
      return stderr();
    },
    get stdin() {
      return process.stdin;
    },
  };
  return found.cmd.run(ctx, parsed.flags, parsed.args);
}

/** Runs berth with these arguments; the exit code goes in process.exitCode. */
export function runCli(program: CliProgram, argv: string[]): void {
  main(program, argv).then(
    (code) => {
      process.exitCode = code;
      const flushed = [made.stdout, made.stderr].every((s) => s === undefined || s.writableLength === 0);
      if (program.exitWhenDone === true && flushed) process.exit();
    },
    (err: unknown) => {
      if (err instanceof UsageError) {
        stderr().write(`${err.message}\n`);
        process.exitCode = err.status;
      } else if (err instanceof ApiError || err instanceof StreamError) {
        stderr().write(`Error response from daemon: ${err.message}\n`);
        process.exitCode = 1;
      } else {
        stderr().write(`${err instanceof Error ? err.message : String(err)}\n`);
        process.exitCode = 1;
      }
    },
  );
}

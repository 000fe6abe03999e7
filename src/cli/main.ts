// berth: the client. Global flags, then the longest command path that matches, then the
// command's own flags (docker/cli's cobra layout). Exit codes as docker's: 125 for usage
// errors, 1 for daemon errors.
import { ApiError, DEFAULT_HOST, EngineClient, socketPathFromHost } from "../client/index.ts";
import type { CliContext, Command } from "./cli-context.ts";
import { COMMANDS, CLIENT_VERSION } from "./commands/index.ts";
import { parseCommand, UsageError } from "./flags.ts";
import { StreamError } from "./json-messages.ts";

const ROOT_HELP = `
Usage:  berth [OPTIONS] COMMAND

A container engine that speaks the Docker Engine API

Commands:
  cp          Copy files/folders between a container and the local filesystem
  create      Create a new container
  events      Get real time events from the server
  kill        Kill one or more running containers
  logs        Fetch the logs of a container
  pause       Pause all processes within one or more containers
  port        List port mappings or a specific mapping for the container
  images      List images
  import      Import the contents from a tarball to create a filesystem image
  info        Display system-wide information
  inspect     Return low-level information on berth objects
  history     Show the history of an image
  load        Load an image from a tar archive or STDIN
  ps          List containers
  rename      Rename a container
  restart     Restart one or more containers
  rm          Remove one or more containers
  rmi         Remove one or more images
  run         Create and run a new container from an image
  save        Save one or more images to a tar archive (streamed to STDOUT by default)
  start       Start one or more stopped containers
  stats       Display a live stream of container(s) resource usage statistics
  stop        Stop one or more running containers
  tag         Create a tag TARGET_IMAGE that refers to SOURCE_IMAGE
  top         Display the running processes of a container
  unpause     Unpause all processes within one or more containers
  update      Update configuration of one or more containers
  version     Show the berth version information
  wait        Block until one or more containers stop, then print their exit codes

Management Commands:
  container   Manage containers
  image       Manage images
  network     Manage networks
  registry    Serve an OCI distribution registry
  system      Manage berth
  volume      Manage volumes

Global Options:
  -D, --debug              Enable debug mode
  -H, --host string        Daemon socket to connect to (default from BERTH_HOST, DOCKER_HOST, or ${DEFAULT_HOST})
  -v, --version            Print version information and quit

Run 'berth COMMAND --help' for more information on a command.
`;

const GROUP_DESCRIPTIONS: Record<string, string> = {
  container: "Manage containers",
  image: "Manage images",
  network: "Manage networks",
  registry: "Serve an OCI distribution registry",
  system: "Manage berth",
  volume: "Manage volumes",
};

interface Globals {
  host: string;
  rest: string[];
}

function parseGlobals(argv: string[]): Globals | number {
  let host = process.env.BERTH_HOST || process.env.DOCKER_HOST || DEFAULT_HOST;
  let i = 0;
  for (; i < argv.length; i++) {
    const arg = argv[i] ?? "";
    if (arg === "-H" || arg === "--host") host = argv[++i] ?? "";
    else if (arg.startsWith("--host=")) host = arg.slice(7);
    else if (arg === "-D" || arg === "--debug") continue;
    else if (arg === "-l" || arg === "--log-level") i++;
    else if (arg === "-v" || arg === "--version") {
      process.stdout.write(`berth version ${CLIENT_VERSION}\n`);
      return 0;
    } else if (arg === "-h" || arg === "--help") {
      process.stdout.write(ROOT_HELP);
      return 0;
    } else if (arg.startsWith("-")) {
      process.stderr.write(`unknown flag: ${arg}\nSee 'berth --help'.\n`);
      return 125;
    } else break;
  }
  return { host, rest: argv.slice(i) };
}

function findCommand(words: string[]): { cmd: Command; depth: number } | undefined {
  let best: { cmd: Command; depth: number } | undefined;
  for (const cmd of COMMANDS) {
    for (const path of cmd.paths) {
      if (path.length > words.length || (best && path.length <= best.depth)) continue;
      if (path.every((w, i) => words[i] === w)) best = { cmd, depth: path.length };
    }
  }
  return best;
}

async function main(argv: string[]): Promise<number> {
  const globals = parseGlobals(argv);
  if (typeof globals === "number") return globals;
  const { rest } = globals;
  if (rest.length === 0) {
    process.stdout.write(ROOT_HELP);
    return 0;
  }
  const found = findCommand(rest);
  if (!found) {
    const groups = ["container", "image", "system", "volume", "registry", "network"];
    const word = rest[0] ?? "";
    if (groups.includes(word)) {
      // As cobra lists a management command's children: each once, by name, with its description.
      const subs = COMMANDS.flatMap((c) => {
        const path = c.paths.find((p) => p[0] === word && p.length === 2);
        return path === undefined ? [] : [{ name: path[1] ?? "", description: c.spec.description }];
      }).sort((a, b) => (a.name < b.name ? -1 : 1));
      const width = Math.max(11, ...subs.map((x) => x.name.length));
      // docker prints a management command's help on stderr when no subcommand is given.
      process.stderr.write(
        `Usage:  berth ${word} COMMAND\n\n${GROUP_DESCRIPTIONS[word] ?? ""}\n\nCommands:\n${subs.map((x) => `  ${x.name.padEnd(width)} ${x.description}`).join("\n")}\n\nRun 'berth ${word} COMMAND --help' for more information on a command.\n`,
      );
      return rest.length === 1 ? 0 : 1;
    }
    process.stderr.write(`berth: '${word}' is not a berth command.\nSee 'berth --help'\n`);
    return 1;
  }
  const parsed = parseCommand(found.cmd.spec, rest.slice(found.depth));
  if (parsed.kind === "help") {
    process.stdout.write(parsed.text);
    return 0;
  }
  for (const notice of parsed.notices) process.stdout.write(`${notice}\n`);
  const ctx: CliContext = {
    client: new EngineClient(socketPathFromHost(globals.host)),
    // Getters: Node makes each stream on first access (~2 ms for stdin), which most commands
    // never need (`run` without -i never reads stdin).
    get stdout() {
      return process.stdout;
    },
    get stderr() {
      return process.stderr;
    },
    get stdin() {
      return process.stdin;
    },
  };
  return found.cmd.run(ctx, parsed.flags, parsed.args);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    if (err instanceof UsageError) {
      process.stderr.write(`${err.message}\n`);
      process.exitCode = err.status;
    } else if (err instanceof ApiError || err instanceof StreamError) {
      process.stderr.write(`Error response from daemon: ${err.message}\n`);
      process.exitCode = 1;
    } else {
      process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
      process.exitCode = 1;
    }
  },
);

import assert from "node:assert/strict";
import { test } from "node:test";

import {
  defineCommand,
  formatFlagUsages,
  formatHelp,
  parseCommand,
  parseGoBool,
  parseGoInt,
  unknownCommandError,
  UsageError,
  type CommandSpec,
  type FlagSpecs,
  type ParseResult,
} from "./flags.ts";

// Specs of real docker 28 commands, with docker's own flag texts, so that help
// and errors can be compared with the real CLI's output byte for byte.
const formatHelpText = `Format output using a custom template:
'table':            Print output in table format with column headers (default)
'table TEMPLATE':   Print output in table format using the given Go template
'json':             Print in JSON format
'TEMPLATE':         Print output using the given Go template.
Refer to https://docs.docker.com/go/formatting/ for more information about formatting output with templates`;

const images = defineCommand({
  path: "docker images",
  usage: "[OPTIONS] [REPOSITORY[:TAG]]",
  description: "List images",
  aliases: ["docker image ls", "docker image list", "docker images"],
  args: { max: 1 },
  flags: {
    quiet: { type: "bool", short: "q", description: "Only show image IDs" },
    all: { type: "bool", short: "a", description: "Show all images (default hides intermediate images)" },
    "no-trunc": { type: "bool", description: "Don't truncate output" },
    digests: { type: "bool", description: "Show digests" },
    format: { type: "string", description: formatHelpText },
    filter: {
      type: "list",
      short: "f",
      valueName: "filter",
      description: "Filter output based on conditions provided",
    },
    tree: { type: "bool", description: "List multi-platform images as a tree (EXPERIMENTAL)" },
  },
});

const logs = defineCommand({
  path: "docker logs",
  usage: "[OPTIONS] CONTAINER",
  description: "Fetch the logs of a container",
  aliases: ["docker container logs", "docker logs"],
  args: { exact: 1 },
  flags: {
    details: { type: "bool", description: "Show extra details provided to logs" },
    follow: { type: "bool", short: "f", description: "Follow log output" },
    since: {
      type: "string",
      description:
        'Show logs since timestamp (e.g. "2013-01-02T13:23:37Z") or relative (e.g. "42m" for 42 minutes)',
    },
    tail: {
      type: "string",
      short: "n",
      default: "all",
      description: "Number of lines to show from the end of the logs",
    },
    timestamps: { type: "bool", short: "t", description: "Show timestamps" },
    until: {
      type: "string",
      description:
        'Show logs before a timestamp (e.g. "2013-01-02T13:23:37Z") or relative (e.g. "42m" for 42 minutes)',
    },
  },
});

const stop = defineCommand({
  path: "docker stop",
  usage: "[OPTIONS] CONTAINER [CONTAINER...]",
  description: "Stop one or more running containers",
  aliases: ["docker container stop", "docker stop"],
  args: { min: 1 },
  flags: {
    signal: { type: "string", short: "s", description: "Signal to send to the container" },
    timeout: { type: "int", short: "t", description: "Seconds to wait before killing the container" },
    time: {
      type: "int",
      deprecated: "use --timeout instead",
      description: "Seconds to wait before killing the container",
    },
  },
});

const root = defineCommand({
  path: "docker",
  usage: "[OPTIONS] COMMAND [ARG...]",
  description: "A self-sufficient runtime for containers",
  stopAtFirstPositional: true,
  flags: {
    config: { type: "string", default: "/root/.docker", description: "Location of client config files" },
    context: {
      type: "string",
      short: "c",
      description:
        'Name of the context to use to connect to the daemon (overrides DOCKER_HOST env var and default context set with "docker context use")',
    },
    debug: { type: "bool", short: "D", description: "Enable debug mode" },
    host: { type: "list", short: "H", description: "Daemon socket to connect to" },
    "log-level": {
      type: "string",
      short: "l",
      default: "info",
      description: 'Set the logging level ("debug", "info", "warn", "error", "fatal")',
    },
    tls: { type: "bool", description: "Use TLS; implied by --tlsverify" },
    tlscacert: {
      type: "string",
      default: "/root/.docker/ca.pem",
      description: "Trust certs signed only by this CA",
    },
    tlscert: {
      type: "string",
      default: "/root/.docker/cert.pem",
      description: "Path to TLS certificate file",
    },
    tlskey: { type: "string", default: "/root/.docker/key.pem", description: "Path to TLS key file" },
    tlsverify: { type: "bool", description: "Use TLS and verify the remote" },
    version: { type: "bool", short: "v", description: "Print version information and quit" },
  },
  subcommands: [
    {
      title: "Common Commands",
      commands: [
        { name: "run", description: "Create and run a new container from an image" },
        { name: "exec", description: "Execute a command in a running container" },
      ],
    },
    { title: "Management Commands", commands: [{ name: "checkpoint", description: "Manage checkpoints" }] },
  ],
  additionalHelp: "For more help on how to use Docker, head to https://docs.docker.com/go/guides/",
});

// `docker images --help` etc. as docker 28.2.2 prints them (stdin not a terminal: 80 columns).
const imagesHelp = [
  "Usage:  docker images [OPTIONS] [REPOSITORY[:TAG]]",
  "",
  "List images",
  "",
  "Aliases:",
  "  docker image ls, docker image list, docker images",
  "",
  "Options:",
  "  -a, --all             Show all images (default hides intermediate images)",
  "      --digests         Show digests",
  "  -f, --filter filter   Filter output based on conditions provided",
  "      --format string   Format output using a custom template:",
  "                        'table':            Print output in table format",
  "                        with column headers (default)",
  "                        'table TEMPLATE':   Print output in table format",
  "                        using the given Go template",
  "                        'json':             Print in JSON format",
  "                        'TEMPLATE':         Print output using the given",
  "                        Go template.",
  "                        Refer to https://docs.docker.com/go/formatting/",
  "                        for more information about formatting output with",
  "                        templates",
  "      --no-trunc        Don't truncate output",
  "  -q, --quiet           Only show image IDs",
  "      --tree            List multi-platform images as a tree (EXPERIMENTAL)",
].join("\n");

const logsHelp = [
  "Usage:  docker logs [OPTIONS] CONTAINER",
  "",
  "Fetch the logs of a container",
  "",
  "Aliases:",
  "  docker container logs, docker logs",
  "",
  "Options:",
  "      --details        Show extra details provided to logs",
  "  -f, --follow         Follow log output",
  "      --since string   Show logs since timestamp (e.g.",
  '                       "2013-01-02T13:23:37Z") or relative (e.g. "42m"',
  "                       for 42 minutes)",
  "  -n, --tail string    Number of lines to show from the end of the logs",
  '                       (default "all")',
  "  -t, --timestamps     Show timestamps",
  "      --until string   Show logs before a timestamp (e.g.",
  '                       "2013-01-02T13:23:37Z") or relative (e.g. "42m"',
  "                       for 42 minutes)",
].join("\n");

const stopHelp = [
  "Usage:  docker stop [OPTIONS] CONTAINER [CONTAINER...]",
  "",
  "Stop one or more running containers",
  "",
  "Aliases:",
  "  docker container stop, docker stop",
  "",
  "Options:",
  "  -s, --signal string   Signal to send to the container",
  "  -t, --timeout int     Seconds to wait before killing the container",
].join("\n");

const globalHelp = [
  "Global Options:",
  "      --config string      Location of client config files (default",
  '                           "/root/.docker")',
  "  -c, --context string     Name of the context to use to connect to the",
  "                           daemon (overrides DOCKER_HOST env var and",
  '                           default context set with "docker context use")',
  "  -D, --debug              Enable debug mode",
  "  -H, --host list          Daemon socket to connect to",
  '  -l, --log-level string   Set the logging level ("debug", "info",',
  '                           "warn", "error", "fatal") (default "info")',
  "      --tls                Use TLS; implied by --tlsverify",
  "      --tlscacert string   Trust certs signed only by this CA (default",
  '                           "/root/.docker/ca.pem")',
  "      --tlscert string     Path to TLS certificate file (default",
  '                           "/root/.docker/cert.pem")',
  "      --tlskey string      Path to TLS key file (default",
  '                           "/root/.docker/key.pem")',
  "      --tlsverify          Use TLS and verify the remote",
  "  -v, --version            Print version information and quit",
].join("\n");

test("help text matches docker", () => {
  assert.equal(formatHelp(images, 80), imagesHelp + "\n");
  assert.equal(formatHelp(logs, 80), logsHelp + "\n");
  assert.equal(formatHelp(stop, 80), stopHelp + "\n");
  assert.equal(formatFlagUsages(root.flags, 79), globalHelp.replace("Global Options:\n", "") + "\n");
});

test("root and management help sections", () => {
  const text = formatHelp(root, 80);
  assert.ok(
    text.startsWith(
      "Usage:  docker [OPTIONS] COMMAND\n\nA self-sufficient runtime for containers\n\nCommon Commands:\n" +
        "  run         Create and run a new container from an image\n" +
        "  exec        Execute a command in a running container\n\nManagement Commands:\n" +
        "  checkpoint  Manage checkpoints\n\nGlobal Options:\n",
    ),
    text,
  );
  assert.ok(
    text.endsWith(
      "\n\nRun 'docker COMMAND --help' for more information on a command.\n\n" +
        "For more help on how to use Docker, head to https://docs.docker.com/go/guides/\n",
    ),
  );
  const image = defineCommand({
    path: "docker image",
    description: "Manage images",
    flags: {},
    subcommands: [
      {
        title: "Commands",
        commands: [
          { name: "build", description: "Build an image from a Dockerfile" },
          { name: "ls", description: "List images" },
        ],
      },
    ],
  });
  assert.equal(
    formatHelp(image, 80),
    "Usage:  docker image COMMAND\n\nManage images\n\nCommands:\n" +
      "  build       Build an image from a Dockerfile\n  ls          List images\n\n" +
      "Run 'docker image COMMAND --help' for more information on a command.\n",
  );
  assert.equal(
    unknownCommandError(image, "foo").message,
    "docker: unknown command: docker image foo\n\nUsage:  docker image\n\nRun 'docker image --help' for more information",
  );
});

test("help extras: long text, examples, experimental, narrow terminals, backquoted value names", () => {
  const cmd = defineCommand({
    path: "berth thing",
    usage: "NAME",
    description: "Short",
    long: "  Long description.  ",
    example: "  $ berth thing x",
    experimental: true,
    flags: {
      size: {
        type: "value",
        valueName: "bytes",
        default: 0,
        parse: Number,
        defaultText: "64MiB",
        description: "Size",
      },
      mode: { type: "string", description: "Pick a `MODE` to use" },
      label: { type: "list", short: "l", default: ["a", "b"], description: "Labels" },
      count: { type: "int", default: 3, description: "How many" },
      on: { type: "bool", default: true, description: "Switch" },
      secret: { type: "bool", hidden: true, description: "Hidden" },
    },
  });
  assert.equal(
    formatHelp(cmd, 80),
    [
      "Usage:  berth thing NAME",
      "",
      "Long description.",
      "",
      "EXPERIMENTAL:",
      "  berth thing is an experimental feature.",
      "  Experimental features provide early access to product functionality. These",
      "  features may change between releases without warning, or can be removed from a",
      "  future release. Learn more about experimental features in our documentation:",
      "  https://docs.docker.com/go/experimental/",
      "",
      "Examples:",
      "  $ berth thing x",
      "",
      "Options:",
      "      --count int    How many (default 3)",
      "  -l, --label list   Labels (default [a b])",
      "      --mode MODE    Pick a MODE to use",
      "      --on           Switch (default true)",
      "      --size bytes   Size (default 64MiB)",
      "",
    ].join("\n"),
  );
  // Under 24 columns left for the text: it moves to its own lines, indented by 16.
  assert.equal(
    formatFlagUsages(
      { "a-very-long-flag-name-here": { type: "string", description: "Some words here" } },
      40,
    ),
    "      --a-very-long-flag-name-here string   \n                Some words here\n",
  );
});

function ok<S extends FlagSpecs>(
  spec: CommandSpec<S>,
  argv: string[],
): Extract<ParseResult<S>, { kind: "ok" }> {
  const r = parseCommand(spec, argv);
  assert.equal(r.kind, "ok");
  return r as Extract<ParseResult<S>, { kind: "ok" }>;
}

test("pflag syntax", () => {
  const r = ok(images, [
    "-aq",
    "--digests=false",
    "--filter",
    "a=1",
    "-fb=2",
    "-f",
    "c=3",
    "--filter=d=4",
    "repo",
  ]);
  assert.deepEqual(r.flags, {
    quiet: true,
    all: true,
    "no-trunc": false,
    digests: false,
    format: "",
    filter: ["a=1", "b=2", "c=3", "d=4"],
    tree: false,
  });
  assert.deepEqual(r.args, ["repo"]);
  assert.deepEqual([...r.changed].sort(), ["all", "digests", "filter", "quiet"]);
  assert.equal(r.dashAt, undefined);

  // -f=x keeps the "=" out; -fx takes the rest of the word; a lone "-" is a positional.
  assert.deepEqual(ok(images, ["-f=x=y"]).flags.filter, ["x=y"]);
  assert.deepEqual(ok(images, ["-qfx"]).flags.filter, ["x"]);
  assert.deepEqual(ok(images, ["-"]).args, ["-"]);
  // Flags may follow positionals, "--" ends them.
  const { args: _max1, ...anyArgs } = images;
  const dash = ok(anyArgs, ["r", "--", "-a"]);
  assert.deepEqual([dash.args, dash.dashAt, dash.flags.all], [["r", "-a"], 1, false]);
  assert.equal(ok(images, ["r", "-a"]).flags.all, true);
  // Later values win; bools take Go's spellings.
  assert.equal(ok(images, ["--all=T", "--all=0"]).flags.all, false);
  assert.equal(ok(images, ["-a=1"]).flags.all, true);
  assert.equal(ok(images, ["--format", "{{.ID}}", "--format=x"]).flags.format, "x");
  assert.equal(ok(images, ["--format="]).flags.format, "");
  assert.equal(ok(logs, ["-n", "5", "c"]).flags.tail, "5");
  assert.equal(ok(logs, ["c"]).flags.tail, "all");
});

test("stop at the first positional (docker run IMAGE CMD...)", () => {
  const run = defineCommand({
    path: "berth run",
    usage: "[OPTIONS] IMAGE [COMMAND] [ARG...]",
    description: "Create and run a new container from an image",
    stopAtFirstPositional: true,
    args: { min: 1 },
    flags: {
      env: { type: "list", short: "e", description: "Set environment variables" },
      hostname: { type: "string", short: "h", description: "Container host name" },
      rm: { type: "bool", description: "Automatically remove the container when it exits" },
    },
  });
  const r = ok(run, ["--rm", "-e", "A=1", "-h", "box", "alpine", "ls", "-la", "--help", "--", "x"]);
  assert.deepEqual(r.args, ["alpine", "ls", "-la", "--help", "--", "x"]);
  assert.deepEqual(r.flags, { env: ["A=1"], hostname: "box", rm: true });
  assert.equal(r.dashAt, undefined);
  const d = ok(run, ["-e", "A", "--", "img", "-x"]);
  assert.deepEqual([d.args, d.dashAt], [["img", "-x"], 0]);
  // -h is the command's own flag here, --help still asks for help.
  assert.equal(parseCommand(run, ["--help"]).kind, "help");
});

test("help requests", () => {
  const h = parseCommand(images, ["foo", "--help"]);
  assert.deepEqual(h, { kind: "help", text: imagesHelp + "\n" });
  const short = parseCommand(images, ["-qh"], { columns: 80 });
  assert.deepEqual(short, {
    kind: "help",
    text: "Flag shorthand -h has been deprecated, use --help\n" + imagesHelp + "\n",
  });
  assert.equal(parseCommand(images, ["--help=false"]).kind, "ok");
  // Help wins over argument-count errors but not over flag errors.
  assert.equal(parseCommand(logs, ["--help"]).kind, "help");
  assert.throws(() => parseCommand(images, ["--help", "--foo"]), { message: /^unknown flag: --foo/ });
});

test("deprecated flags still work and leave a notice", () => {
  const r = ok(stop, ["--time", "3", "c"]);
  assert.equal(r.flags.time, 3);
  assert.deepEqual(r.notices, ["Flag --time has been deprecated, use --timeout instead"]);
});

test("Go number and bool syntax", () => {
  const ints: [string, number][] = [
    ["0", 0],
    ["10", 10],
    ["-7", -7],
    ["+7", 7],
    ["0x10", 16],
    ["0X1f", 31],
    ["0o17", 15],
    ["017", 15],
    ["0b101", 5],
    ["1_000", 1000],
    ["0x_1F", 31],
  ];
  for (const [s, n] of ints) assert.equal(parseGoInt(s), n, s);
  for (const s of ["", "1__0", "_1", "1_", "08", "0x", "1.0", " 1", "0b2"]) {
    assert.throws(() => parseGoInt(s), { message: `strconv.ParseInt: parsing "${s}": invalid syntax` }, s);
  }
  assert.throws(() => parseGoInt("9223372036854775808"), /value out of range/);
  assert.equal(parseGoInt("-9223372036854775808"), -9223372036854775808);
  for (const s of ["1", "t", "T", "TRUE", "true", "True"]) assert.equal(parseGoBool(s), true);
  for (const s of ["0", "f", "F", "FALSE", "false", "False"]) assert.equal(parseGoBool(s), false);
  assert.throws(() => parseGoBool("yes"), { message: 'strconv.ParseBool: parsing "yes": invalid syntax' });
});

test("custom value flags and list validation", () => {
  const cmd = defineCommand({
    path: "berth x",
    description: "x",
    flags: {
      memory: {
        type: "value",
        short: "m",
        valueName: "bytes",
        default: 0,
        parse: (v: string) => {
          if (!/^\d+$/.test(v)) throw new Error(`invalid size: '${v}'`);
          return Number(v);
        },
        description: "Memory limit",
      },
      env: {
        type: "list",
        short: "e",
        parse: (v: string) => {
          if (v.startsWith("=")) throw new Error(`invalid environment variable: ${v}`);
          return v;
        },
        description: "Env",
      },
    },
  });
  const r = ok(cmd, ["-m", "512", "-e", "A=1"]);
  const memory: number = r.flags.memory;
  const env: string[] = r.flags.env;
  assert.deepEqual([memory, env], [512, ["A=1"]]);
  assert.throws(() => parseCommand(cmd, ["-m", "lots"]), {
    message: `invalid argument "lots" for "-m, --memory" flag: invalid size: 'lots'\n\nUsage:  berth x\n\nRun 'berth x --help' for more information`,
  });
  assert.throws(() => parseCommand(cmd, ["-e", "=x"]), {
    message: /^invalid argument "=x" for "-e, --env" flag: invalid environment variable: =x/,
  });
});

test("argument counts", () => {
  const none = defineCommand({
    path: "berth version",
    usage: "[OPTIONS]",
    description: "v",
    args: "none",
    flags: {},
  });
  assert.throws(() => parseCommand(none, ["x"]), {
    message:
      "berth: 'berth version' accepts no arguments\n\nUsage:  berth version [OPTIONS]\n\nRun 'berth version --help' for more information",
  });
  const range = defineCommand({
    path: "berth cp",
    usage: "A B",
    description: "c",
    args: { min: 2, max: 2 },
    flags: {},
  });
  assert.throws(() => parseCommand(range, ["x"]), {
    message: /^berth: 'berth cp' requires at least 2 and at most 2 arguments\n/,
  });
  const one = defineCommand({ path: "berth x", description: "c", args: { min: 1, max: 1 }, flags: {} });
  assert.throws(() => parseCommand(one, []), { message: /requires at least 1 and at most 1 argument\n/ });
  assert.equal(ok(one, ["a"]).args.length, 1);
});

// [argv, exit status, stderr] from the real docker 28.2.2 CLI.
const dockerErrors: [string[], number, string][] = [
  [
    ["root", "--foo"],
    125,
    "unknown flag: --foo\n\nUsage:  docker [OPTIONS] COMMAND [ARG...]\n\nRun 'docker --help' for more information",
  ],
  [
    ["root", "-H"],
    125,
    "flag needs an argument: 'H' in -H\n\nUsage:  docker [OPTIONS] COMMAND [ARG...]\n\nRun 'docker --help' for more information",
  ],
  [
    ["images", "--foo"],
    125,
    "unknown flag: --foo\n\nUsage:  docker images [OPTIONS] [REPOSITORY[:TAG]]\n\nRun 'docker images --help' for more information",
  ],
  [
    ["images", "-z"],
    125,
    "unknown shorthand flag: 'z' in -z\n\nUsage:  docker images [OPTIONS] [REPOSITORY[:TAG]]\n\nRun 'docker images --help' for more information",
  ],
  [
    ["images", "-az"],
    125,
    "unknown shorthand flag: 'z' in -z\n\nUsage:  docker images [OPTIONS] [REPOSITORY[:TAG]]\n\nRun 'docker images --help' for more information",
  ],
  [
    ["images", "--all=maybe"],
    125,
    'invalid argument "maybe" for "-a, --all" flag: strconv.ParseBool: parsing "maybe": invalid syntax\n\nUsage:  docker images [OPTIONS] [REPOSITORY[:TAG]]\n\nRun \'docker images --help\' for more information',
  ],
  [
    ["images", "--filter"],
    125,
    "flag needs an argument: --filter\n\nUsage:  docker images [OPTIONS] [REPOSITORY[:TAG]]\n\nRun 'docker images --help' for more information",
  ],
  [
    ["images", "-f"],
    125,
    "flag needs an argument: 'f' in -f\n\nUsage:  docker images [OPTIONS] [REPOSITORY[:TAG]]\n\nRun 'docker images --help' for more information",
  ],
  [
    ["images", "--format"],
    125,
    "flag needs an argument: --format\n\nUsage:  docker images [OPTIONS] [REPOSITORY[:TAG]]\n\nRun 'docker images --help' for more information",
  ],
  [
    ["images", "--digests="],
    125,
    'invalid argument "" for "--digests" flag: strconv.ParseBool: parsing "": invalid syntax\n\nUsage:  docker images [OPTIONS] [REPOSITORY[:TAG]]\n\nRun \'docker images --help\' for more information',
  ],
  [
    ["images", "---x"],
    125,
    "bad flag syntax: ---x\n\nUsage:  docker images [OPTIONS] [REPOSITORY[:TAG]]\n\nRun 'docker images --help' for more information",
  ],
  [
    ["images", "--=x"],
    125,
    "bad flag syntax: --=x\n\nUsage:  docker images [OPTIONS] [REPOSITORY[:TAG]]\n\nRun 'docker images --help' for more information",
  ],
  [
    ["images", "-q="],
    125,
    "unknown shorthand flag: '=' in -=\n\nUsage:  docker images [OPTIONS] [REPOSITORY[:TAG]]\n\nRun 'docker images --help' for more information",
  ],
  [
    ["images", "a", "b"],
    1,
    "docker: 'docker images' requires at most 1 argument\n\nUsage:  docker images [OPTIONS] [REPOSITORY[:TAG]]\n\nSRun 'docker images --help' for more information",
  ],
  [
    ["images", "--help", "--foo"],
    125,
    "unknown flag: --foo\n\nUsage:  docker images [OPTIONS] [REPOSITORY[:TAG]]\n\nRun 'docker images --help' for more information",
  ],
  [
    ["images", "-a=maybe"],
    125,
    'invalid argument "maybe" for "-a, --all" flag: strconv.ParseBool: parsing "maybe": invalid syntax\n\nUsage:  docker images [OPTIONS] [REPOSITORY[:TAG]]\n\nRun \'docker images --help\' for more information',
  ],
  [
    ["images", "-fx=1", "a", "b"],
    1,
    "docker: 'docker images' requires at most 1 argument\n\nUsage:  docker images [OPTIONS] [REPOSITORY[:TAG]]\n\nSRun 'docker images --help' for more information",
  ],
  [
    ["stop"],
    1,
    "docker: 'docker stop' requires at least 1 argument\n\nUsage:  docker stop [OPTIONS] CONTAINER [CONTAINER...]\n\nSee 'docker stop --help' for more information",
  ],
  [
    ["stop", "-t", "abc", "x"],
    125,
    'invalid argument "abc" for "-t, --timeout" flag: strconv.ParseInt: parsing "abc": invalid syntax\n\nUsage:  docker stop [OPTIONS] CONTAINER [CONTAINER...]\n\nRun \'docker stop --help\' for more information',
  ],
  [
    ["stop", "-t", "99999999999999999999", "x"],
    125,
    'invalid argument "99999999999999999999" for "-t, --timeout" flag: strconv.ParseInt: parsing "99999999999999999999": value out of range\n\nUsage:  docker stop [OPTIONS] CONTAINER [CONTAINER...]\n\nRun \'docker stop --help\' for more information',
  ],
  [
    ["stop", "-t", "", "x"],
    125,
    'invalid argument "" for "-t, --timeout" flag: strconv.ParseInt: parsing "": invalid syntax\n\nUsage:  docker stop [OPTIONS] CONTAINER [CONTAINER...]\n\nRun \'docker stop --help\' for more information',
  ],
  [
    ["stop", "-t0x10"],
    1,
    "docker: 'docker stop' requires at least 1 argument\n\nUsage:  docker stop [OPTIONS] CONTAINER [CONTAINER...]\n\nSee 'docker stop --help' for more information",
  ],
  [
    ["stop", "-t", "1__0", "x"],
    125,
    'invalid argument "1__0" for "-t, --timeout" flag: strconv.ParseInt: parsing "1__0": invalid syntax\n\nUsage:  docker stop [OPTIONS] CONTAINER [CONTAINER...]\n\nRun \'docker stop --help\' for more information',
  ],
  [
    ["stop", "-s"],
    125,
    "flag needs an argument: 's' in -s\n\nUsage:  docker stop [OPTIONS] CONTAINER [CONTAINER...]\n\nRun 'docker stop --help' for more information",
  ],
  [
    ["stop", "--time=x", "c"],
    125,
    'invalid argument "x" for "--time" flag: strconv.ParseInt: parsing "x": invalid syntax\n\nUsage:  docker stop [OPTIONS] CONTAINER [CONTAINER...]\n\nRun \'docker stop --help\' for more information',
  ],
  [
    ["stop", "-t=-5"],
    1,
    "docker: 'docker stop' requires at least 1 argument\n\nUsage:  docker stop [OPTIONS] CONTAINER [CONTAINER...]\n\nSee 'docker stop --help' for more information",
  ],
  [
    ["logs"],
    1,
    "docker: 'docker logs' requires 1 argument\n\nUsage:  docker logs [OPTIONS] CONTAINER\n\nRun 'docker logs --help' for more information",
  ],
  [
    ["logs", "a", "b"],
    1,
    "docker: 'docker logs' requires 1 argument\n\nUsage:  docker logs [OPTIONS] CONTAINER\n\nRun 'docker logs --help' for more information",
  ],
  [
    ["logs", "-n"],
    125,
    "flag needs an argument: 'n' in -n\n\nUsage:  docker logs [OPTIONS] CONTAINER\n\nRun 'docker logs --help' for more information",
  ],
  [
    ["logs", "-é"],
    125,
    "unknown shorthand flag: 'Ã' in -é\n\nUsage:  docker logs [OPTIONS] CONTAINER\n\nRun 'docker logs --help' for more information",
  ],
];

test("errors match docker", () => {
  const specs: Record<string, CommandSpec<FlagSpecs>> = { images, logs, stop, root };
  for (const [[name = "", ...argv], status, message] of dockerErrors) {
    const spec = specs[name];
    assert.ok(spec !== undefined);
    assert.throws(
      () => parseCommand(spec, argv),
      (e: unknown) => {
        assert.ok(e instanceof UsageError);
        assert.deepEqual(
          { status: e.status, message: e.message },
          { status, message },
          [name, ...argv].join(" "),
        );
        return true;
      },
    );
  }
});

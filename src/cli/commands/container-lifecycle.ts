// berth start / stop / restart / kill / wait: one API call per container, printing each name as
// given (or the exit code for wait); errors per container, exit 1 if any, as docker does.
import { ApiError } from "../../client/index.ts";
import { command, type CliContext } from "../cli-context.ts";
import { parseGoInt } from "../flags.ts";
import { attachAndWait } from "./attach.ts";

/** Runs `call` for each container, printing what `print` returns, errors on stderr. */
async function eachContainer(
  ctx: CliContext,
  names: string[],
  call: (name: string) => Promise<string>,
): Promise<number> {
  let status = 0;
  for (const name of names) {
    try {
      ctx.stdout.write(`${await call(name)}\n`);
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      ctx.stderr.write(`Error response from daemon: ${err.message}\n`);
      status = 1;
    }
  }
  return status;
}

const path = (name: string, verb: string): string => `/containers/${encodeURIComponent(name)}/${verb}`;

export const startCommand = command({
  paths: [["start"], ["container", "start"]],
  spec: {
    path: "berth start",
    usage: "[OPTIONS] CONTAINER [CONTAINER...]",
    description: "Start one or more stopped containers",
    aliases: ["berth container start", "berth start"],
    args: { min: 1 },
    flags: {
      attach: { type: "bool", short: "a", description: "Attach STDOUT/STDERR and forward signals" },
      "detach-keys": { type: "string", description: "Override the key sequence for detaching a container" },
      interactive: { type: "bool", short: "i", description: "Attach container's STDIN" },
    },
  },
  run: (ctx, flags, args) =>
    flags.attach || flags.interactive
      ? attachAndWait(ctx, args[0] ?? "", {
          stdin: flags.interactive,
          start: true,
          detachKeys: flags["detach-keys"],
        })
      : eachContainer(ctx, args, async (name) => {
          await ctx.client.call("POST", path(name, "start"));
          return name;
        }),
});

const stopFlags = {
  signal: { type: "string", short: "s", description: "Signal to send to the container" },
  // Unset means the container's own stop timeout, so this is not a plain int flag (default 0).
  timeout: {
    type: "value",
    short: "t",
    valueName: "int",
    default: undefined as number | undefined,
    parse: (v: string): number | undefined => parseGoInt(v),
    description: "Seconds to wait before killing the container",
  },
} as const;

export const stopCommand = command({
  paths: [["stop"], ["container", "stop"]],
  spec: {
    path: "berth stop",
    usage: "[OPTIONS] CONTAINER [CONTAINER...]",
    description: "Stop one or more running containers",
    aliases: ["berth container stop", "berth stop"],
    args: { min: 1 },
    flags: stopFlags,
  },
  run: (ctx, flags, args) =>
    eachContainer(ctx, args, async (name) => {
      await ctx.client.call("POST", path(name, "stop"), {
        query: { t: flags.timeout, signal: flags.signal || undefined },
      });
      return name;
    }),
});

export const restartCommand = command({
  paths: [["restart"], ["container", "restart"]],
  spec: {
    path: "berth restart",
    usage: "[OPTIONS] CONTAINER [CONTAINER...]",
    description: "Restart one or more containers",
    aliases: ["berth container restart", "berth restart"],
    args: { min: 1 },
    flags: stopFlags,
  },
  run: (ctx, flags, args) =>
    eachContainer(ctx, args, async (name) => {
      await ctx.client.call("POST", path(name, "restart"), {
        query: { t: flags.timeout, signal: flags.signal || undefined },
      });
      return name;
    }),
});

export const killCommand = command({
  paths: [["kill"], ["container", "kill"]],
  spec: {
    path: "berth kill",
    usage: "[OPTIONS] CONTAINER [CONTAINER...]",
    description: "Kill one or more running containers",
    aliases: ["berth container kill", "berth kill"],
    args: { min: 1 },
    flags: { signal: { type: "string", short: "s", description: "Signal to send to the container" } },
  },
  run: (ctx, flags, args) =>
    eachContainer(ctx, args, async (name) => {
      await ctx.client.call("POST", path(name, "kill"), { query: { signal: flags.signal || undefined } });
      return name;
    }),
});

export const waitCommand = command({
  paths: [["wait"], ["container", "wait"]],
  spec: {
    path: "berth wait",
    usage: "CONTAINER [CONTAINER...]",
    description: "Block until one or more containers stop, then print their exit codes",
    aliases: ["berth container wait", "berth wait"],
    args: { min: 1 },
    flags: {},
  },
  run: (ctx, _flags, args) =>
    eachContainer(ctx, args, async (name) => {
      const result = await ctx.client.json<{ StatusCode: number }>("POST", path(name, "wait"));
      return String(result.StatusCode);
    }),
});

export const pauseCommand = command({
  paths: [["pause"], ["container", "pause"]],
  spec: {
    path: "berth pause",
    usage: "CONTAINER [CONTAINER...]",
    description: "Pause all processes within one or more containers",
    aliases: ["berth container pause", "berth pause"],
    args: { min: 1 },
    flags: {},
  },
  run: (ctx, _flags, args) =>
    eachContainer(ctx, args, async (name) => {
      await ctx.client.call("POST", path(name, "pause"));
      return name;
    }),
});

export const unpauseCommand = command({
  paths: [["unpause"], ["container", "unpause"]],
  spec: {
    path: "berth unpause",
    usage: "CONTAINER [CONTAINER...]",
    description: "Unpause all processes within one or more containers",
    aliases: ["berth container unpause", "berth unpause"],
    args: { min: 1 },
    flags: {},
  },
  run: (ctx, _flags, args) =>
    eachContainer(ctx, args, async (name) => {
      await ctx.client.call("POST", path(name, "unpause"));
      return name;
    }),
});

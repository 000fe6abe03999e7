// berth container inspect, and berth inspect (containers first, then images, as docker's
// inspect without --type tries each object kind in turn).
import { ApiError } from "../../client/index.ts";
import { command, inspectJson, type CliContext } from "../cli-context.ts";
import { UsageError } from "../flags.ts";
import { renderFormat } from "../table.ts";

const FORMAT_FLAG_HELP =
  "Format output using a custom template:\n'json':             Print in JSON format\n'TEMPLATE':         Print output using the given Go template.\nRefer to https://docs.docker.com/go/formatting/ for more information about formatting output with templates";

type Kind = "container" | "image";

const PATHS: Record<Kind, (name: string, size: boolean) => string> = {
  container: (name, size) => `/containers/${encodeURIComponent(name)}/json${size ? "?size=1" : ""}`,
  image: (name) => `/images/${encodeURIComponent(name)}/json`,
};

async function inspectObjects(
  ctx: CliContext,
  names: readonly string[],
  kinds: readonly Kind[],
  format: string,
  size: boolean,
): Promise<number> {
  const found: unknown[] = [];
  const errors: string[] = [];
  for (const name of names) {
    let value: unknown;
    let lastError: ApiError | undefined;
    for (const kind of kinds) {
      try {
        const [path, query] = PATHS[kind](name, size).split("?");
        value = await ctx.client.json("GET", path ?? "", query ? { query: { size: true } } : {});
        break;
      } catch (err) {
        if (!(err instanceof ApiError) || err.status !== 404) throw err;
        lastError = err;
      }
    }
    if (value !== undefined) found.push(value);
    else if (kinds.length > 1) errors.push(`Error: No such object: ${name}`);
    else errors.push(`Error response from daemon: ${lastError?.message ?? `No such ${kinds[0]}: ${name}`}`);
  }
  if (format && format !== "json") ctx.stdout.write(renderFormat({ format, rows: found }));
  else ctx.stdout.write(inspectJson(found));
  if (errors.length === 0) return 0;
  ctx.stderr.write(`${errors.join("\n")}\n`);
  return 1;
}

export const containerInspectCommand = command({
  paths: [["container", "inspect"]],
  spec: {
    path: "berth container inspect",
    usage: "[OPTIONS] CONTAINER [CONTAINER...]",
    description: "Display detailed information on one or more containers",
    args: { min: 1 },
    flags: {
      format: { type: "string", short: "f", description: FORMAT_FLAG_HELP },
      size: { type: "bool", short: "s", description: "Display total file sizes" },
    },
  },
  async run(ctx, flags, args) {
    return inspectObjects(ctx, args, ["container"], flags.format, flags.size);
  },
});

export const inspectCommand = command({
  paths: [["inspect"]],
  spec: {
    path: "berth inspect",
    usage: "[OPTIONS] NAME|ID [NAME|ID...]",
    description: "Return low-level information on berth objects",
    args: { min: 1 },
    flags: {
      format: { type: "string", short: "f", description: FORMAT_FLAG_HELP },
      size: { type: "bool", short: "s", description: "Display total file sizes if the type is container" },
      type: { type: "string", description: "Only inspect objects of the given type" },
    },
  },
  async run(ctx, flags, args) {
    let kinds: Kind[] = ["container", "image"];
    if (flags.type !== "") {
      if (flags.type !== "container" && flags.type !== "image") {
        throw new UsageError(`"${flags.type}" is not a valid value for --type`, 1);
      }
      kinds = [flags.type];
    }
    return inspectObjects(ctx, args, kinds, flags.format, flags.size);
  },
});

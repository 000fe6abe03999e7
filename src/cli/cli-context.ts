// What a command gets: the API client, output streams, and helpers for Docker's error output.
import { ApiError, type EngineClient } from "../client/index.ts";
import type { CommandSpec, FlagSpecs, FlagValues } from "./flags.ts";
import { renderFormat } from "./table.ts";

export interface CliContext {
  client: EngineClient;
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
  stdin: NodeJS.ReadStream;
}

/** A command: its flag spec (parsing and help) and what it does with the parsed values. */
export interface Command<S extends FlagSpecs = FlagSpecs> {
  /** Every command path that reaches it, e.g. [["images"], ["image", "ls"], ["image", "list"]]. */
  paths: string[][];
  spec: CommandSpec<S>;
  run(ctx: CliContext, flags: FlagValues<S>, args: string[]): Promise<number>;
}

export function command<S extends FlagSpecs>(c: Command<S>): Command {
  return c as unknown as Command;
}

/** Docker's formatting flag help, shared by every command with --format. */
export const FORMAT_HELP = `Format output using a custom template:
'table':            Print output in table format with column headers (default)
'table TEMPLATE':   Print output in table format using the given Go template
'json':             Print in JSON format
'TEMPLATE':         Print output using the given Go template.
Refer to https://docs.docker.com/go/formatting/ for more information about formatting output with templates`;

/** Docker's JSON output of inspect: an indented array. */
export function inspectJson(values: unknown[]): string {
  return JSON.stringify(values, null, 4) + "\n";
}

/** The --format flag of the inspect commands. */
export const INSPECT_FORMAT_FLAG = {
  type: "string",
  short: "f",
  description:
    "Format output using a custom template:\n'json':             Print in JSON format\n'TEMPLATE':         Print output using the given Go template.\nRefer to https://docs.docker.com/go/formatting/ for more information about formatting output with templates",
} as const;

/**
 * `inspect` of each object: the indented JSON array (or a template per object) of those found,
 * "Error response from daemon" for each missing one, and exit 1 if any was missing.
 */
export async function inspectEach(
  ctx: CliContext,
  names: readonly string[],
  path: (name: string) => string,
  format: string,
  /** Reshapes each object as the docker CLI's typed decoding would before a template sees it. */
  typed: (value: unknown) => unknown = (v) => v,
): Promise<number> {
  const found: unknown[] = [];
  const errors: string[] = [];
  for (const name of names) {
    try {
      found.push(await ctx.client.json("GET", path(encodeURIComponent(name))));
    } catch (err) {
      if (!(err instanceof ApiError) || err.status !== 404) throw err;
      errors.push(`Error response from daemon: ${err.message}\n`);
    }
  }
  if (format && format !== "json") ctx.stdout.write(renderFormat({ format, rows: found.map(typed) }));
  else ctx.stdout.write(inspectJson(found));
  // docker's inspect.Inspect reports the missing objects after the output.
  for (const e of errors) ctx.stderr.write(e);
  return errors.length > 0 ? 1 : 0;
}

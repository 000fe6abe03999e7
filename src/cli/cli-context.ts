// What a command gets: the API client, output streams, and helpers for Docker's error output.
import type { EngineClient } from "../client/index.ts";
import type { CommandSpec, FlagSpecs, FlagValues } from "./flags.ts";

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

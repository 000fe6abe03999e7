// Entrypoint and command merged as Docker does at create (daemon/commit.go merge):
// --entrypoint replaces the image's ENTRYPOINT and drops its CMD; a command replaces CMD.
import { invalidContainerOption } from "../../lib/index.ts";

export interface ArgsInput {
  imageEntrypoint?: readonly string[];
  imageCmd?: readonly string[];
  /** `--entrypoint`; `[]` or `[""]` clears it. */
  entrypoint?: readonly string[];
  cmd?: readonly string[];
}

export function processArgs(input: ArgsInput): string[] {
  let args: string[];
  if (input.entrypoint !== undefined) {
    const entrypoint = input.entrypoint.length === 1 && input.entrypoint[0] === "" ? [] : input.entrypoint;
    args = [...entrypoint, ...(input.cmd ?? [])];
  } else {
    const cmd = input.cmd !== undefined && input.cmd.length > 0 ? input.cmd : (input.imageCmd ?? []);
    args = [...(input.imageEntrypoint ?? []), ...cmd];
  }
  if (args.length === 0) throw invalidContainerOption("No command specified");
  return args;
}

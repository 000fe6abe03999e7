// berth volume create: prints the new (or existing) volume's name.
import type { Volume, VolumeCreateOptions } from "../../api/types/index.ts";
import { command } from "../cli-context.ts";
import { UsageError } from "../flags.ts";

export const volumeCreateCommand = command({
  paths: [["volume", "create"]],
  spec: {
    path: "berth volume create",
    usage: "[OPTIONS] [VOLUME]",
    description: "Create a volume",
    args: { max: 1 },
    flags: {
      driver: { type: "string", short: "d", default: "local", description: "Specify volume driver name" },
      label: { type: "list", valueName: "list", description: "Set metadata for a volume" },
      name: { type: "string", hidden: true, description: "Specify volume name" },
      opt: { type: "list", short: "o", valueName: "map", description: "Set driver specific options" },
    },
  },
  async run(ctx, flags, args) {
    if (args[0] !== undefined && flags.name !== "") {
      throw new UsageError(
        "conflicting options: cannot specify a volume-name through both --name and as a positional arg",
        1,
      );
    }
    const body: VolumeCreateOptions = {
      Name: args[0] ?? flags.name,
      Driver: flags.driver,
      DriverOpts: keyValues(flags.opt),
      Labels: keyValues(flags.label),
    };
    const volume = await ctx.client.json<Volume>("POST", "/volumes/create", {
      body: JSON.stringify(body),
      headers: { "Content-Type": "application/json" },
    });
    ctx.stdout.write(`${volume.Name}\n`);
    return 0;
  },
});

/** docker's MapOpts / ConvertKVStringsToMap: "k=v" -> {k: v}, a bare "k" -> {k: ""}. */
export function keyValues(values: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const v of values) {
    const eq = v.indexOf("=");
    if (eq < 0) out[v] = "";
    else out[v.slice(0, eq)] = v.slice(eq + 1);
  }
  return out;
}

// berth volume rm: prints each removed name; errors are collected, exit 1 if any.
import { ApiError } from "../../client/index.ts";
import { command } from "../cli-context.ts";

export const volumeRmCommand = command({
  paths: [
    ["volume", "rm"],
    ["volume", "remove"],
  ],
  spec: {
    path: "berth volume rm",
    usage: "[OPTIONS] VOLUME [VOLUME...]",
    description: "Remove one or more volumes",
    long: "Remove one or more volumes. You cannot remove a volume that is in use by a container.",
    aliases: ["berth volume rm", "berth volume remove"],
    args: { min: 1 },
    flags: {
      force: { type: "bool", short: "f", description: "Force the removal of one or more volumes" },
    },
  },
  async run(ctx, flags, args) {
    const errors: string[] = [];
    for (const name of args) {
      try {
        await ctx.client.call("DELETE", `/volumes/${encodeURIComponent(name)}`, {
          query: { force: flags.force },
        });
        ctx.stdout.write(`${name}\n`);
      } catch (err) {
        if (!(err instanceof ApiError)) throw err;
        errors.push(`Error response from daemon: ${err.message}`);
      }
    }
    if (errors.length === 0) return 0;
    ctx.stderr.write(`${errors.join("\n")}\n`);
    return 1;
  },
});

// berth rmi / image rm: prints what was untagged and deleted; errors per image, exit 1 if any.
import type { ImageDeleteItem } from "../../api/types/index.ts";
import { ApiError } from "../../client/index.ts";
import { command } from "../cli-context.ts";

export const rmiCommand = command({
  paths: [["rmi"], ["image", "rm"], ["image", "remove"]],
  spec: {
    path: "berth rmi",
    usage: "[OPTIONS] IMAGE [IMAGE...]",
    description: "Remove one or more images",
    aliases: ["berth image rm", "berth image remove", "berth rmi"],
    args: { min: 1 },
    flags: {
      force: { type: "bool", short: "f", description: "Force removal of the image" },
      "no-prune": { type: "bool", description: "Do not delete untagged parents" },
    },
  },
  async run(ctx, flags, args) {
    let status = 0;
    for (const name of args) {
      try {
        const items = await ctx.client.json<ImageDeleteItem[]>(
          "DELETE",
          `/images/${encodeURIComponent(name)}`,
          {
            query: { force: flags.force, noprune: flags["no-prune"] },
          },
        );
        for (const item of items) {
          ctx.stdout.write(
            item.Untagged !== undefined ? `Untagged: ${item.Untagged}\n` : `Deleted: ${item.Deleted}\n`,
          );
        }
      } catch (err) {
        if (!(err instanceof ApiError)) throw err;
        ctx.stderr.write(`Error response from daemon: ${err.message}\n`);
        status = 1;
      }
    }
    return status;
  },
});

// berth image prune: asks first (unless -f), then prints what went and the space reclaimed.
import { createInterface } from "node:readline/promises";
import type { ImagePruneReport } from "../../api/types/index.ts";
import { command } from "../cli-context.ts";
import { humanSize } from "../humanize.ts";
import { toFilters } from "../filter-flags.ts";

export const imagePruneCommand = command({
  paths: [["image", "prune"]],
  spec: {
    path: "berth image prune",
    usage: "[OPTIONS]",
    description: "Remove unused images",
    args: "none",
    flags: {
      all: { type: "bool", short: "a", description: "Remove all unused images, not just dangling ones" },
      filter: {
        type: "list",
        valueName: "filter",
        description: 'Provide filter values (e.g. "until=<timestamp>")',
      },
      force: { type: "bool", short: "f", description: "Do not prompt for confirmation" },
    },
  },
  async run(ctx, flags) {
    const warning = flags.all
      ? "WARNING! This will remove all images without at least one container associated to them."
      : "WARNING! This will remove all dangling images.";
    if (!flags.force && !(await confirm(ctx.stdin, ctx.stdout, warning))) return 0;
    const filters = toFilters(flags.filter);
    filters.dangling = [flags.all ? "false" : "true"];
    const report = await ctx.client.json<ImagePruneReport>("POST", "/images/prune", {
      query: { filters: JSON.stringify(filters) },
    });
    const deleted = report.ImagesDeleted ?? [];
    if (deleted.length > 0) {
      ctx.stdout.write("Deleted Images:\n");
      for (const d of deleted)
        ctx.stdout.write(d.Untagged !== undefined ? `untagged: ${d.Untagged}\n` : `deleted: ${d.Deleted}\n`);
      ctx.stdout.write("\n");
    }
    ctx.stdout.write(`Total reclaimed space: ${humanSize(report.SpaceReclaimed)}\n`);
    return 0;
  },
});

/** Docker's prompt: anything but y/Y (including end of input) is no. */
export async function confirm(
  stdin: NodeJS.ReadStream,
  stdout: NodeJS.WriteStream,
  warning: string,
): Promise<boolean> {
  stdout.write(`${warning}\nAre you sure you want to continue? [y/N] `);
  const rl = createInterface({ input: stdin });
  const answer = await new Promise<string>((resolve) => {
    rl.once("line", resolve);
    rl.once("close", () => resolve(""));
  });
  rl.close();
  return answer.trim().toLowerCase() === "y";
}

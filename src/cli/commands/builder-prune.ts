// berth builder prune: POST /build/prune; lists what went and the space reclaimed, as docker does.
import { command } from "../cli-context.ts";
import { humanSize } from "../humanize.ts";
import { confirm } from "./image-prune.ts";
import { toFilters } from "../filter-flags.ts";

export const builderPruneCommand = command({
  paths: [["builder", "prune"]],
  spec: {
    path: "berth builder prune",
    usage: "[OPTIONS]",
    description: "Remove build cache",
    args: "none",
    flags: {
      all: { type: "bool", short: "a", description: "Remove all unused build cache, not just dangling ones" },
      filter: { type: "list", valueName: "filter", description: 'Provide filter values (e.g. "until=24h")' },
      force: { type: "bool", short: "f", description: "Do not prompt for confirmation" },
    },
  },
  async run(ctx, flags) {
    if (
      !flags.force &&
      !(await confirm(ctx.stdin, ctx.stdout, "WARNING! This will remove all dangling build cache."))
    )
      return 0;
    const report = await ctx.client.json<{ CachesDeleted: string[] | null; SpaceReclaimed: number }>(
      "POST",
      "/build/prune",
      { query: { all: flags.all ? "1" : undefined, filters: JSON.stringify(toFilters(flags.filter)) } },
    );
    const deleted = report.CachesDeleted ?? [];
    if (deleted.length > 0) {
      ctx.stdout.write("Deleted build cache objects:\n");
      for (const id of deleted) ctx.stdout.write(`${id}\n`);
      ctx.stdout.write("\n");
    }
    ctx.stdout.write(`Total reclaimed space: ${humanSize(report.SpaceReclaimed)}\n`);
    return 0;
  },
});

// berth volume prune: anonymous unused volumes, or all unused ones with -a (API 1.42+).
import type { VolumePruneReport } from "../../api/types/index.ts";
import { command } from "../cli-context.ts";
import { UsageError } from "../flags.ts";
import { humanSize } from "../humanize.ts";
import { confirm } from "./image-prune.ts";
import { filtersParam, toFilters } from "../filter-flags.ts";

export const volumePruneCommand = command({
  paths: [["volume", "prune"]],
  spec: {
    path: "berth volume prune",
    usage: "[OPTIONS]",
    description: "Remove unused local volumes",
    args: "none",
    flags: {
      all: { type: "bool", short: "a", description: "Remove all unused volumes, not just anonymous ones" },
      filter: {
        type: "list",
        valueName: "filter",
        description: 'Provide filter values (e.g. "label=<label>")',
      },
      force: { type: "bool", short: "f", description: "Do not prompt for confirmation" },
    },
  },
  async run(ctx, flags) {
    const filters = toFilters(flags.filter);
    if (flags.all) {
      if (filters.all !== undefined) {
        throw new UsageError("conflicting options: cannot specify both --all and --filter all=1", 1);
      }
      filters.all = ["true"];
    }
    const warning = flags.all
      ? "WARNING! This will remove all local volumes not used by at least one container."
      : "WARNING! This will remove anonymous local volumes not used by at least one container.";
    if (!flags.force && !(await confirm(ctx.stdin, ctx.stdout, warning))) return 0;
    const report = await ctx.client.json<VolumePruneReport>("POST", "/volumes/prune", {
      query: { filters: filtersParam(filters) },
    });
    const deleted = report.VolumesDeleted ?? [];
    if (deleted.length > 0) ctx.stdout.write(`Deleted Volumes:\n${deleted.map((n) => `${n}\n`).join("")}\n`);
    ctx.stdout.write(`Total reclaimed space: ${humanSize(report.SpaceReclaimed)}\n`);
    return 0;
  },
});

// berth container prune: removes every stopped container (filters: until, label, label!).
import type { ContainerPruneResponse } from "../../api/types/index.ts";
import { command } from "../cli-context.ts";
import { humanSize } from "../humanize.ts";
import { confirm } from "./image-prune.ts";
import { filtersParam, toFilters } from "../filter-flags.ts";

export const containerPruneCommand = command({
  paths: [["container", "prune"]],
  spec: {
    path: "berth container prune",
    usage: "[OPTIONS]",
    description: "Remove all stopped containers",
    args: "none",
    flags: {
      filter: {
        type: "list",
        valueName: "filter",
        description: 'Provide filter values (e.g. "until=<timestamp>")',
      },
      force: { type: "bool", short: "f", description: "Do not prompt for confirmation" },
    },
  },
  async run(ctx, flags) {
    const filters = toFilters(flags.filter);
    const warning = "WARNING! This will remove all stopped containers.";
    if (!flags.force && !(await confirm(ctx.stdin, ctx.stdout, warning))) return 0;
    const report = await ctx.client.json<ContainerPruneResponse>("POST", "/containers/prune", {
      query: { filters: filtersParam(filters) },
    });
    const deleted = report.ContainersDeleted ?? [];
    if (deleted.length > 0)
      ctx.stdout.write(`Deleted Containers:\n${deleted.map((id) => `${id}\n`).join("")}\n`);
    ctx.stdout.write(`Total reclaimed space: ${humanSize(report.SpaceReclaimed)}\n`);
    return 0;
  },
});

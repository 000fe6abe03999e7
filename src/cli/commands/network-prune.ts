// berth network prune: asks first (unless -f), then lists the removed networks.
import type { NetworkPruneResponse } from "../../api/types/index.ts";
import { command } from "../cli-context.ts";
import { confirm } from "./image-prune.ts";
import { filtersParam, toFilters } from "../filter-flags.ts";

export const networkPruneCommand = command({
  paths: [["network", "prune"]],
  spec: {
    path: "berth network prune",
    usage: "[OPTIONS]",
    description: "Remove all unused networks",
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
    const warning = "WARNING! This will remove all custom networks not used by at least one container.";
    if (!flags.force && !(await confirm(ctx.stdin, ctx.stdout, warning))) return 0;
    const filters = toFilters(flags.filter);
    const report = await ctx.client.json<NetworkPruneResponse>("POST", "/networks/prune", {
      query: { filters: filtersParam(filters) },
    });
    const deleted = report.NetworksDeleted ?? [];
    if (deleted.length > 0) ctx.stdout.write(`Deleted Networks:\n${deleted.map((n) => `${n}\n`).join("")}\n`);
    return 0;
  },
});

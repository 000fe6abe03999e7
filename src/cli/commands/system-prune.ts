// berth system prune: stopped containers, unused networks, dangling (or with -a all unused)
// images, unused build cache and with --volumes anonymous unused volumes — Docker's prompt,
// sections and "Total reclaimed space" (docker/cli cli/command/system/prune.go).
import type { ContainerPruneResponse, ImagePruneReport, VolumePruneReport } from "../../api/types/index.ts";
import { command } from "../cli-context.ts";
import { humanSize } from "../humanize.ts";
import { confirm } from "./image-prune.ts";
import { filtersParam, toFilters } from "../filter-flags.ts";

export const systemPruneCommand = command({
  paths: [["system", "prune"]],
  spec: {
    path: "berth system prune",
    usage: "[OPTIONS]",
    description: "Remove unused data",
    args: "none",
    flags: {
      all: { type: "bool", short: "a", description: "Remove all unused images not just dangling ones" },
      filter: {
        type: "list",
        valueName: "filter",
        description: 'Provide filter values (e.g. "label=<key>=<value>")',
      },
      force: { type: "bool", short: "f", description: "Do not prompt for confirmation" },
      volumes: { type: "bool", description: "Prune anonymous volumes" },
    },
  },
  async run(ctx, flags) {
    const warnings = [
      "all stopped containers",
      "all networks not used by at least one container",
      ...(flags.volumes ? ["all anonymous volumes not used by at least one container"] : []),
      flags.all ? "all images without at least one container associated to them" : "all dangling images",
      flags.all ? "all build cache" : "unused build cache",
    ];
    let warning = `WARNING! This will remove:\n${warnings.map((w) => `  - ${w}`).join("\n")}\n`;
    if (flags.filter.length > 0) {
      warning += `\n  Items to be pruned will be filtered with:\n${flags.filter.map((f) => `  - ${f}`).join("\n")}\n`;
    }
    if (!flags.force && !(await confirm(ctx.stdin, ctx.stdout, warning))) return 0;
    const filters = toFilters(flags.filter);
    const query = (extra: Record<string, string[]> = {}): { filters: string | undefined } => {
      const all = { ...filters, ...extra };
      return { filters: filtersParam(all) };
    };
    let reclaimed = 0;
    const section = (title: string, items: readonly string[]): void => {
      if (items.length > 0) ctx.stdout.write(`${title}:\n${items.map((i) => `${i}\n`).join("")}\n`);
    };

    const containers = await ctx.client.json<ContainerPruneResponse>("POST", "/containers/prune", {
      query: query(),
    });
    section("Deleted Containers", containers.ContainersDeleted ?? []);
    reclaimed += containers.SpaceReclaimed;

    const networks = await ctx.client.json<{ NetworksDeleted?: string[] | null }>("POST", "/networks/prune", {
      query: query(),
    });
    section("Deleted Networks", networks.NetworksDeleted ?? []);

    if (flags.volumes) {
      const volumes = await ctx.client.json<VolumePruneReport>("POST", "/volumes/prune", { query: query() });
      section("Deleted Volumes", volumes.VolumesDeleted ?? []);
      reclaimed += volumes.SpaceReclaimed;
    }

    const images = await ctx.client.json<ImagePruneReport>("POST", "/images/prune", {
      query: query({ dangling: [flags.all ? "false" : "true"] }),
    });
    section(
      "Deleted Images",
      (images.ImagesDeleted ?? []).map((d) =>
        d.Untagged !== undefined ? `untagged: ${d.Untagged}` : `deleted: ${d.Deleted}`,
      ),
    );
    reclaimed += images.SpaceReclaimed;

    const cache = await ctx.client.json<{ CachesDeleted?: string[] | null; SpaceReclaimed?: number }>(
      "POST",
      "/build/prune",
      { query: { ...query(), ...(flags.all ? { all: "1" } : {}) } },
    );
    section("Deleted build cache objects", cache.CachesDeleted ?? []);
    reclaimed += cache.SpaceReclaimed ?? 0;

    ctx.stdout.write(`Total reclaimed space: ${humanSize(reclaimed)}\n`);
    return 0;
  },
});

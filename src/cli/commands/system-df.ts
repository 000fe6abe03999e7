// berth system df: disk usage by type, and with -v per image.
import type { ContainerSummary, SystemDataUsage, Volume } from "../../api/types/index.ts";
import { command, FORMAT_HELP } from "../cli-context.ts";
import { goStruct } from "../go-template.ts";
import { humanSize, humanSizeWithPrecision, timeAgo } from "../humanize.ts";
import { renderFormat } from "../table.ts";
import { ContainerRow } from "./ps.ts";

const HEADERS = {
  Type: "TYPE",
  TotalCount: "TOTAL",
  Active: "ACTIVE",
  Size: "SIZE",
  Reclaimable: "RECLAIMABLE",
};
const TABLE = "table {{.Type}}\t{{.TotalCount}}\t{{.Active}}\t{{.Size}}\t{{.Reclaimable}}";
const IMAGE_TABLE =
  "table {{.Repository}}\t{{.Tag}}\t{{.ID}}\t{{.CreatedSince}}\t{{.Size}}\t{{.SharedSize}}\t{{.UniqueSize}}\t{{.Containers}}";
const CONTAINER_TABLE =
  "table {{.ID}}\t{{.Image}}\t{{.Command}}\t{{.LocalVolumes}}\t{{.Size}}\t{{.RunningFor}}\t{{.Status}}\t{{.Names}}";
const CONTAINER_HEADERS = {
  ID: "CONTAINER ID",
  Image: "IMAGE",
  Command: "COMMAND",
  LocalVolumes: "LOCAL VOLUMES",
  Size: "SIZE",
  RunningFor: "CREATED",
  Status: "STATUS",
  Names: "NAMES",
};
const IMAGE_HEADERS = {
  Repository: "REPOSITORY",
  Tag: "TAG",
  ID: "IMAGE ID",
  CreatedSince: "CREATED",
  Size: "SIZE",
  SharedSize: "SHARED SIZE",
  UniqueSize: "UNIQUE SIZE",
  Containers: "CONTAINERS",
};

export const systemDfCommand = command({
  paths: [["system", "df"]],
  spec: {
    path: "berth system df",
    usage: "[OPTIONS]",
    description: "Show berth disk usage",
    args: "none",
    flags: {
      format: { type: "string", description: FORMAT_HELP },
      verbose: { type: "bool", short: "v", description: "Show detailed information on space usage" },
    },
  },
  async run(ctx, flags) {
    const df = await ctx.client.json<SystemDataUsage>("GET", "/system/df");
    const volumes = df.Volumes as Volume[];
    const containers = (df.Containers ?? []) as ContainerSummary[];
    if (flags.verbose) {
      ctx.stdout.write("Images space usage:\n\n");
      const rows = df.Images.flatMap((img) =>
        (img.RepoTags.length > 0 ? img.RepoTags : ["<none>:<none>"]).map((t) =>
          goStruct("imageContext", {
            Repository: t.slice(0, t.lastIndexOf(":")),
            Tag: t.slice(t.lastIndexOf(":") + 1),
            ID: img.Id.slice(7, 19),
            CreatedSince: timeAgo(img.Created * 1000),
            Size: humanSizeWithPrecision(img.Size, 3),
            SharedSize: humanSize(img.SharedSize),
            UniqueSize: humanSize(img.Size - img.SharedSize),
            Containers: String(img.Containers),
          }),
        ),
      );
      ctx.stdout.write(renderFormat({ format: IMAGE_TABLE, rows, headers: IMAGE_HEADERS }));
      ctx.stdout.write("\nContainers space usage:\n\n");
      // docker/cli formatter disk_usage.go verboseWrite: a ContainerContext without the virtual size.
      ctx.stdout.write(
        renderFormat({
          format: CONTAINER_TABLE,
          rows: containers.map((c) => new ContainerRow({ ...c, SizeRootFs: 0 }, true)),
          headers: CONTAINER_HEADERS,
        }),
      );
      ctx.stdout.write("\nLocal Volumes space usage:\n\n");
      const volumeRows = volumes.map((v) =>
        goStruct("volumeContext", {
          Name: v.Name,
          Links: String(v.UsageData?.RefCount ?? 0),
          Size: humanSizeWithPrecision(v.UsageData?.Size ?? 0, 3),
        }),
      );
      ctx.stdout.write(
        renderFormat({
          format: "table {{.Name}}\t{{.Links}}\t{{.Size}}",
          rows: volumeRows,
          headers: { Name: "VOLUME NAME", Links: "LINKS", Size: "SIZE" },
        }),
      );
      ctx.stdout.write(
        "\nBuild cache usage: 0B\n\nCACHE ID   CACHE TYPE   SIZE      CREATED   LAST USED   USAGE     SHARED\n",
      );
      return 0;
    }
    const active = df.Images.filter((i) => i.Containers > 0);
    const activeSize = active.reduce((n, i) => n + i.Size - i.SharedSize, 0);
    const reclaim = (size: number, total: number): string =>
      total > 0 ? `${humanSize(size)} (${Math.floor((size * 100) / total)}%)` : humanSize(size);
    const empty = (type: string): object =>
      goStruct("diskUsageContext", {
        Type: type,
        TotalCount: "0",
        Active: "0",
        Size: "0B",
        Reclaimable: "0B",
      });
    const volumeTotal = volumeBytes(volumes, () => true);
    const rows = [
      goStruct("diskUsageImagesContext", {
        Type: "Images",
        TotalCount: String(df.Images.length),
        Active: String(active.length),
        Size: humanSize(df.LayersSize),
        Reclaimable: reclaim(df.LayersSize - activeSize, df.LayersSize),
      }),
      containersRow(containers, reclaim),
      goStruct("diskUsageContext", {
        Type: "Local Volumes",
        TotalCount: String(volumes.length),
        Active: String(volumes.filter((v) => (v.UsageData?.RefCount ?? 0) > 0).length),
        Size: humanSize(volumeTotal),
        Reclaimable: reclaim(
          volumeBytes(volumes, (v) => (v.UsageData?.RefCount ?? 0) === 0),
          volumeTotal,
        ),
      }),
      empty("Build Cache"),
    ];
    const format = !flags.format || flags.format === "table" ? TABLE : flags.format;
    // docker marshals these contexts as maps: {{json .}} lists the keys sorted.
    const sorted = rows.map((r) =>
      goStruct(
        "diskUsageContext",
        Object.fromEntries(Object.entries(r).sort(([a], [b]) => (a < b ? -1 : 1))),
      ),
    );
    ctx.stdout.write(renderFormat({ format, rows: sorted, headers: HEADERS }));
    return 0;
  },
});

function volumeBytes(volumes: Volume[], pick: (v: Volume) => boolean): number {
  return volumes.filter(pick).reduce((n, v) => n + Math.max(0, v.UsageData?.Size ?? 0), 0);
}

/**
 * docker/cli diskUsageContainersContext: running, paused and restarting containers are active;
 * what the others wrote (SizeRw) is reclaimable.
 */
function containersRow(
  containers: readonly ContainerSummary[],
  reclaim: (size: number, total: number) => string,
): object {
  const active = (c: ContainerSummary): boolean => /running|paused|restarting/.test(c.State);
  const total = containers.reduce((n, c) => n + (c.SizeRw ?? 0), 0);
  const reclaimable = containers.filter((c) => !active(c)).reduce((n, c) => n + (c.SizeRw ?? 0), 0);
  return goStruct("diskUsageContainersContext", {
    Type: "Containers",
    TotalCount: String(containers.length),
    Active: String(containers.filter(active).length),
    Size: humanSize(total),
    Reclaimable: reclaim(reclaimable, total),
  });
}

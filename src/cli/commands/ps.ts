// berth ps / container ls: docker's container formatter (cli/command/formatter/container.go).
import type { ContainerSummary } from "../../api/types/index.ts";
import { command, FORMAT_HELP } from "../cli-context.ts";
import { quote } from "../go-fmt.ts";
import { goTimeString } from "../go-time.ts";
import { humanSizeWithPrecision, timeAgo, truncateID } from "../humanize.ts";
import { contextJSON, ellipsis, renderFormat, withLabelHeader } from "../table.ts";
import { filtersParam, toFilters } from "../filter-flags.ts";
import { type ApiPort, displayablePorts } from "../displayable-ports.ts";

const HEADERS = {
  ID: "CONTAINER ID",
  Image: "IMAGE",
  Command: "COMMAND",
  CreatedAt: "CREATED AT",
  RunningFor: "CREATED",
  Ports: "PORTS",
  State: "STATE",
  Status: "STATUS",
  Size: "SIZE",
  Names: "NAMES",
  Labels: "LABELS",
  Mounts: "MOUNTS",
  LocalVolumes: "LOCAL VOLUMES",
  Networks: "NETWORKS",
  Platform: "PLATFORM",
};
const TABLE = "table {{.ID}}\t{{.Image}}\t{{.Command}}\t{{.RunningFor}}\t{{.Status}}\t{{.Ports}}\t{{.Names}}";
const HEADERS_WITH_LABEL = withLabelHeader(HEADERS);

export const psCommand = command({
  paths: [["ps"], ["container", "ls"], ["container", "list"], ["container", "ps"]],
  spec: {
    path: "berth ps",
    usage: "[OPTIONS]",
    description: "List containers",
    aliases: ["berth container ls", "berth container list", "berth container ps", "berth ps"],
    args: "none",
    flags: {
      all: { type: "bool", short: "a", description: "Show all containers (default shows just running)" },
      filter: {
        type: "list",
        short: "f",
        valueName: "filter",
        description: "Filter output based on conditions provided",
      },
      format: { type: "string", description: FORMAT_HELP },
      last: {
        type: "int",
        short: "n",
        default: -1,
        description: "Show n last created containers (includes all states)",
      },
      latest: {
        type: "bool",
        short: "l",
        description: "Show the latest created container (includes all states)",
      },
      "no-trunc": { type: "bool", description: "Don't truncate output" },
      quiet: { type: "bool", short: "q", description: "Only display container IDs" },
      size: { type: "bool", short: "s", description: "Display total file sizes" },
    },
  },
  async run(ctx, flags) {
    const filters = toFilters(flags.filter);
    const limit = flags.latest ? 1 : flags.last;
    const format = flags.format;
    const table = format === "" || format === "table";
    const size = flags.size || (!flags.quiet && /\.Size\b/.test(format));
    const list = await ctx.client.json<ContainerSummary[]>("GET", "/containers/json", {
      query: {
        all: flags.all,
        limit: limit > 0 ? limit : undefined,
        size,
        filters: filtersParam(filters),
      },
    });
    const rows = list.map((c) => new ContainerRow(c, !flags["no-trunc"]));
    let template = flags.quiet ? "{{.ID}}" : table ? TABLE + (flags.size ? "\t{{.Size}}" : "") : format;
    if (template === "json") template = "{{json .}}";
    ctx.stdout.write(renderFormat({ format: template, rows, headers: HEADERS_WITH_LABEL }));
    return 0;
  },
});

// formatter.ContainerContext: each method is a template field.
export class ContainerRow {
  constructor(
    private readonly c: ContainerSummary,
    private readonly trunc: boolean,
  ) {}
  ID(): string {
    return this.trunc ? truncateID(this.c.Id) : this.c.Id;
  }
  Names(): string {
    const names = (this.c.Names ?? [])
      .map((n) => n.replace(/^\//, ""))
      .filter((n) => !this.trunc || !n.includes("/"));
    return names.join(",");
  }
  Image(): string {
    const image = this.c.Image;
    if (image === "") return "<no image>";
    if (this.trunc) {
      const short = truncateID(this.c.ImageID);
      if (short === truncateID(image)) return short;
      const at = image.indexOf("@");
      if (at >= 0) return image.slice(0, at);
    }
    return image;
  }
  Command(): string {
    return quote(this.trunc ? ellipsis(this.c.Command, 20) : this.c.Command);
  }
  CreatedAt(): string {
    return goTimeString(this.c.Created * 1000);
  }
  RunningFor(): string {
    return timeAgo(this.c.Created * 1000);
  }
  Ports(): string {
    return displayablePorts((this.c.Ports ?? []) as ApiPort[]);
  }
  State(): string {
    return this.c.State;
  }
  Status(): string {
    return this.c.Status;
  }
  Size(): string {
    const srw = humanSizeWithPrecision(this.c.SizeRw ?? 0, 3);
    const sv = humanSizeWithPrecision(this.c.SizeRootFs ?? 0, 3);
    return (this.c.SizeRootFs ?? 0) > 0 ? `${srw} (virtual ${sv})` : srw;
  }
  Labels(): string {
    return Object.entries(this.c.Labels ?? {})
      .map(([k, v]) => `${k}=${v}`)
      .join(",");
  }
  Label(name: string): string {
    return this.c.Labels?.[name] ?? "";
  }
  Mounts(): string {
    return (this.c.Mounts ?? [])
      .map((m) => {
        const name = m.Name || m.Source;
        return this.trunc ? ellipsis(name, 15) : name;
      })
      .join(",");
  }
  LocalVolumes(): string {
    return String((this.c.Mounts ?? []).filter((m) => m.Driver === "local").length);
  }
  Networks(): string {
    return Object.keys(this.c.NetworkSettings?.Networks ?? {})
      .sort()
      .join(",");
  }
  /** A *Platform in docker's context, nil without one. */
  Platform(): null {
    return null;
  }
  toJSON(): Record<string, unknown> {
    return contextJSON(this);
  }
}

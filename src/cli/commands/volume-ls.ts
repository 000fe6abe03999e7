// berth volume ls: docker's volume formatter (DRIVER, VOLUME NAME), sorted by name naturally.
import type { Volume, VolumeListResponse } from "../../api/types/index.ts";
import { command, FORMAT_HELP } from "../cli-context.ts";
import { contextJSON, renderFormat, withLabelHeader } from "../table.ts";
import { filtersParam, toFilters } from "../filter-flags.ts";

const HEADERS = {
  Name: "VOLUME NAME",
  Driver: "DRIVER",
  Scope: "SCOPE",
  Mountpoint: "MOUNTPOINT",
  Labels: "LABELS",
  Links: "LINKS",
  Size: "SIZE",
  Group: "GROUP",
  Availability: "AVAILABILITY",
  Status: "STATUS",
};
const TABLE = "table {{.Driver}}\t{{.Name}}";
const HEADERS_WITH_LABEL = withLabelHeader(HEADERS);

export const volumeLsCommand = command({
  paths: [
    ["volume", "ls"],
    ["volume", "list"],
  ],
  spec: {
    path: "berth volume ls",
    usage: "[OPTIONS]",
    description: "List volumes",
    aliases: ["berth volume ls", "berth volume list"],
    args: "none",
    flags: {
      filter: {
        type: "list",
        short: "f",
        valueName: "filter",
        description: 'Provide filter values (e.g. "dangling=true")',
      },
      format: { type: "string", description: FORMAT_HELP },
      quiet: { type: "bool", short: "q", description: "Only display volume names" },
    },
  },
  async run(ctx, flags) {
    const filters = toFilters(flags.filter);
    const list = await ctx.client.json<VolumeListResponse>("GET", "/volumes", {
      query: { filters: filtersParam(filters) },
    });
    const rows = [...(list.Volumes ?? [])]
      .sort((a, b) => naturalCompare(a.Name, b.Name))
      .map((v) => new VolumeRow(v));
    const format = flags.quiet ? "{{.Name}}" : flags.format || TABLE;
    for (const warning of list.Warnings ?? []) ctx.stderr.write(`${warning}\n`);
    ctx.stdout.write(
      renderFormat({ format: format === "table" ? TABLE : format, rows, headers: HEADERS_WITH_LABEL }),
    );
    return 0;
  },
});

// docker/cli formatter.volumeContext: methods are template fields (cluster-only ones are N/A).
class VolumeRow {
  constructor(private readonly v: Volume) {}
  Name(): string {
    return this.v.Name;
  }
  Driver(): string {
    return this.v.Driver;
  }
  Scope(): string {
    return this.v.Scope;
  }
  Mountpoint(): string {
    return this.v.Mountpoint;
  }
  Labels(): string {
    return Object.entries(this.v.Labels ?? {})
      .map(([k, val]) => `${k}=${val}`)
      .sort()
      .join(",");
  }
  Label(name: string): string {
    return this.v.Labels?.[name] ?? "";
  }
  Links(): string {
    return this.v.UsageData ? String(this.v.UsageData.RefCount) : "N/A";
  }
  Size(): string {
    return this.v.UsageData ? String(this.v.UsageData.Size) : "N/A";
  }
  Group(): string {
    return "N/A";
  }
  Availability(): string {
    return "N/A";
  }
  Status(): string {
    return "N/A";
  }
  toJSON(): Record<string, unknown> {
    return contextJSON(this);
  }
}

/** sortorder.NaturalLess: runs of digits compare by value. */
export function naturalCompare(a: string, b: string): number {
  const chunks = (s: string): string[] => s.match(/\d+|\D+/g) ?? [];
  const x = chunks(a);
  const y = chunks(b);
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const p = x[i] ?? "";
    const q = y[i] ?? "";
    if (p === q) continue;
    const numeric = /^\d/.test(p) && /^\d/.test(q);
    if (numeric && Number(p) !== Number(q)) return Number(p) - Number(q);
    return p < q ? -1 : 1;
  }
  return x.length - y.length;
}

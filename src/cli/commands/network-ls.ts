// berth network ls: docker's network formatter (cli/command/formatter/network.go), sorted by
// name naturally as docker/cli's network list does.
import type { Network } from "../../api/types/index.ts";
import { command, FORMAT_HELP } from "../cli-context.ts";
import { goTimeString, parseRFC3339 } from "../go-time.ts";
import { truncateID } from "../humanize.ts";
import { contextJSON, renderFormat, withLabelHeader } from "../table.ts";
import { filtersParam, toFilters } from "../filter-flags.ts";
import { naturalCompare } from "./volume-ls.ts";

const HEADERS = {
  ID: "NETWORK ID",
  Name: "NAME",
  Driver: "DRIVER",
  Scope: "SCOPE",
  IPv4: "IPV4",
  IPv6: "IPV6",
  Internal: "INTERNAL",
  Labels: "LABELS",
  CreatedAt: "CREATED AT",
};
const TABLE = "table {{.ID}}\t{{.Name}}\t{{.Driver}}\t{{.Scope}}";
const HEADERS_WITH_LABEL = withLabelHeader(HEADERS);

export const networkLsCommand = command({
  paths: [
    ["network", "ls"],
    ["network", "list"],
  ],
  spec: {
    path: "berth network ls",
    usage: "[OPTIONS]",
    description: "List networks",
    aliases: ["berth network ls", "berth network list"],
    args: "none",
    flags: {
      filter: {
        type: "list",
        short: "f",
        valueName: "filter",
        description: 'Provide filter values (e.g. "driver=bridge")',
      },
      format: { type: "string", description: FORMAT_HELP },
      "no-trunc": { type: "bool", description: "Do not truncate the output" },
      quiet: { type: "bool", short: "q", description: "Only display network IDs" },
    },
  },
  async run(ctx, flags) {
    const filters = toFilters(flags.filter);
    const list = await ctx.client.json<Network[]>("GET", "/networks", {
      query: { filters: filtersParam(filters) },
    });
    const rows = [...list]
      .sort((a, b) => naturalCompare(a.Name, b.Name))
      .map((n) => new NetworkRow(n, !flags["no-trunc"]));
    let format = flags.quiet ? "{{.ID}}" : flags.format || TABLE;
    if (format === "table") format = TABLE;
    ctx.stdout.write(renderFormat({ format, rows, headers: HEADERS_WITH_LABEL }));
    return 0;
  },
});

// formatter.networkContext: each method is a template field.
class NetworkRow {
  constructor(
    private readonly n: Network,
    private readonly trunc: boolean,
  ) {}
  ID(): string {
    return this.trunc ? truncateID(this.n.Id) : this.n.Id;
  }
  Name(): string {
    return this.n.Name;
  }
  Driver(): string {
    return this.n.Driver;
  }
  Scope(): string {
    return this.n.Scope;
  }
  IPv4(): string {
    return String(this.n.EnableIPv4 ?? true);
  }
  IPv6(): string {
    return String(this.n.EnableIPv6);
  }
  Internal(): string {
    return String(this.n.Internal);
  }
  Labels(): string {
    return Object.entries(this.n.Labels ?? {})
      .map(([k, v]) => `${k}=${v}`)
      .sort()
      .join(",");
  }
  Label(name: string): string {
    return this.n.Labels?.[name] ?? "";
  }
  CreatedAt(): string {
    return goTimeString(parseRFC3339(this.n.Created));
  }
  toJSON(): Record<string, unknown> {
    return contextJSON(this);
  }
}

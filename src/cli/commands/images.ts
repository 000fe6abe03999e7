// berth images / image ls: one row per repository tag, as docker's image formatter prints them.
import type { ImageSummary } from "../../api/types/index.ts";
import { command, FORMAT_HELP } from "../cli-context.ts";
import { filtersParam, toFilters } from "../filter-flags.ts";
import { goStruct } from "../go-template.ts";
import { goTimeString } from "../go-time.ts";
import { humanSizeWithPrecision, timeAgo } from "../humanize.ts";
import { renderFormat } from "../table.ts";

const HEADERS = {
  Repository: "REPOSITORY",
  Tag: "TAG",
  ID: "IMAGE ID",
  Digest: "DIGEST",
  CreatedSince: "CREATED",
  CreatedAt: "CREATED AT",
  Size: "SIZE",
  Containers: "CONTAINERS",
  SharedSize: "SHARED SIZE",
  UniqueSize: "UNIQUE SIZE",
  VirtualSize: "VIRTUAL SIZE",
};
const TABLE = "table {{.Repository}}\t{{.Tag}}\t{{.ID}}\t{{.CreatedSince}}\t{{.Size}}";
const TABLE_DIGESTS = "table {{.Repository}}\t{{.Tag}}\t{{.Digest}}\t{{.ID}}\t{{.CreatedSince}}\t{{.Size}}";

export const imagesCommand = command({
  paths: [["images"], ["image", "ls"], ["image", "list"]],
  spec: {
    path: "berth images",
    usage: "[OPTIONS] [REPOSITORY[:TAG]]",
    description: "List images",
    aliases: ["berth image ls", "berth image list", "berth images"],
    args: { max: 1 },
    flags: {
      all: { type: "bool", short: "a", description: "Show all images (default hides intermediate images)" },
      digests: { type: "bool", description: "Show digests" },
      filter: {
        type: "list",
        short: "f",
        valueName: "filter",
        description: "Filter output based on conditions provided",
      },
      format: { type: "string", description: FORMAT_HELP },
      "no-trunc": { type: "bool", description: "Don't truncate output" },
      quiet: { type: "bool", short: "q", description: "Only show image IDs" },
    },
  },
  async run(ctx, flags, args) {
    const filters = toFilters(flags.filter);
    if (args[0] !== undefined) (filters.reference ??= []).push(args[0]);
    const images = await ctx.client.json<ImageSummary[]>("GET", "/images/json", {
      query: {
        all: flags.all,
        digests: flags.digests,
        filters: filtersParam(filters),
      },
    });
    const rows = images.flatMap((img) => imageRows(img, !flags["no-trunc"]));
    const format = flags.quiet ? "{{.ID}}" : flags.format || (flags.digests ? TABLE_DIGESTS : TABLE);
    if (format === "json") {
      for (const row of rows) ctx.stdout.write(JSON.stringify(row) + "\n");
      return 0;
    }
    const table = format === "table" ? (flags.digests ? TABLE_DIGESTS : TABLE) : format;
    ctx.stdout.write(renderFormat({ format: table, rows, headers: HEADERS }));
    return 0;
  },
});

function imageRows(img: ImageSummary, trunc: boolean): object[] {
  const id = trunc ? img.Id.replace(/^sha256:/, "").slice(0, 12) : img.Id;
  const digestOf = (repo: string): string =>
    img.RepoDigests.find((d) => d.slice(0, d.indexOf("@")) === repo)?.slice(repo.length + 1) ?? "<none>";
  const base = {
    ID: id,
    CreatedSince: `${timeAgo(img.Created * 1000)}`,
    CreatedAt: goTimeString(img.Created * 1000),
    Size: humanSizeWithPrecision(img.Size, 3),
    Containers: img.Containers < 0 ? "N/A" : String(img.Containers),
    SharedSize: img.SharedSize < 0 ? "N/A" : humanSizeWithPrecision(img.SharedSize, 3),
    UniqueSize: img.SharedSize < 0 ? "N/A" : humanSizeWithPrecision(img.Size - img.SharedSize, 3),
    VirtualSize: humanSizeWithPrecision(img.Size, 3),
  };
  const tags = img.RepoTags.filter((t) => t !== "<none>:<none>");
  if (tags.length === 0) {
    const repo = img.RepoDigests[0]?.split("@")[0] ?? "<none>";
    return [goStruct("imageContext", { Repository: repo, Tag: "<none>", Digest: digestOf(repo), ...base })];
  }
  return tags.map((t) => {
    const colon = t.lastIndexOf(":");
    const repo = t.slice(0, colon);
    return goStruct("imageContext", {
      Repository: repo,
      Tag: t.slice(colon + 1),
      Digest: digestOf(repo),
      ...base,
    });
  });
}

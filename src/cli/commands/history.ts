// berth history: one row per history entry, newest first.
import type { ImageHistoryItem } from "../../api/types/index.ts";
import { command, FORMAT_HELP } from "../cli-context.ts";
import { goStruct } from "../go-template.ts";
import { formatRFC3339 } from "../go-time.ts";
import { humanSizeWithPrecision, timeAgo } from "../humanize.ts";
import { ellipsis, renderFormat } from "../table.ts";

const HEADERS = {
  ID: "IMAGE",
  CreatedSince: "CREATED",
  CreatedAt: "CREATED AT",
  CreatedBy: "CREATED BY",
  Size: "SIZE",
  Comment: "COMMENT",
};
const TABLE = "table {{.ID}}\t{{.CreatedSince}}\t{{.CreatedBy}}\t{{.Size}}\t{{.Comment}}";

export const historyCommand = command({
  paths: [["history"], ["image", "history"]],
  spec: {
    path: "berth history",
    usage: "[OPTIONS] IMAGE",
    description: "Show the history of an image",
    aliases: ["berth image history", "berth history"],
    args: { exact: 1 },
    flags: {
      format: { type: "string", description: FORMAT_HELP },
      human: {
        type: "bool",
        short: "H",
        default: true,
        description: "Print sizes and dates in human readable format",
      },
      "no-trunc": { type: "bool", description: "Don't truncate output" },
      quiet: { type: "bool", short: "q", description: "Only show image IDs" },
    },
  },
  async run(ctx, flags, [name = ""]) {
    const items = await ctx.client.json<ImageHistoryItem[]>(
      "GET",
      `/images/${encodeURIComponent(name)}/history`,
    );
    const trunc = !flags["no-trunc"];
    const rows = items.map((h) => {
      const createdBy = h.CreatedBy.replaceAll("\t", " ");
      return goStruct("historyContext", {
        ID: h.Id.startsWith("sha256:") && trunc ? h.Id.slice(7, 19) : h.Id,
        CreatedSince: flags.human ? timeAgo(h.Created * 1000) : formatRFC3339(h.Created * 1000),
        CreatedAt: formatRFC3339(h.Created * 1000),
        CreatedBy: trunc ? ellipsis(createdBy, 45) : createdBy,
        Size: flags.human ? humanSizeWithPrecision(h.Size, 3) : String(h.Size),
        Comment: h.Comment,
      });
    });
    const format = flags.quiet ? "{{.ID}}" : !flags.format || flags.format === "table" ? TABLE : flags.format;
    ctx.stdout.write(renderFormat({ format, rows, headers: HEADERS }));
    return 0;
  },
});

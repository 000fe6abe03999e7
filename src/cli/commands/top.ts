// berth top: the container's processes as `ps` shows them (GET /containers/{id}/top).
import { command } from "../cli-context.ts";
import { tabwrite } from "../tabwriter.ts";

export const topCommand = command({
  paths: [["top"], ["container", "top"]],
  spec: {
    path: "berth top",
    usage: "CONTAINER [ps OPTIONS]",
    description: "Display the running processes of a container",
    aliases: ["berth container top", "berth top"],
    args: { min: 1 },
    stopAtFirstPositional: true,
    flags: {},
  },
  async run(ctx, _flags, [name = "", ...psArgs]) {
    const top = await ctx.client.json<{ Titles: string[]; Processes: string[][] }>(
      "GET",
      `/containers/${encodeURIComponent(name)}/top`,
      { query: { ps_args: psArgs.length > 0 ? psArgs.join(" ") : undefined } },
    );
    const rows = [top.Titles, ...top.Processes].map((r) => r.join("\t") + "\n").join("");
    ctx.stdout.write(tabwrite(rows));
    return 0;
  },
});

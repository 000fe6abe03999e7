// berth diff: GET /containers/{id}/changes, one "<kind> <path>" line each, as `docker diff`.
import { command } from "../cli-context.ts";

const KIND = ["C", "A", "D"];

export const diffCommand = command({
  paths: [["diff"], ["container", "diff"]],
  spec: {
    path: "berth diff",
    usage: "CONTAINER",
    description: "Inspect changes to files or directories on a container's filesystem",
    aliases: ["berth container diff", "berth diff"],
    args: { exact: 1 },
    flags: {},
  },
  async run(ctx, _flags, [name = ""]) {
    const changes = await ctx.client.json<{ Path: string; Kind: number }[] | null>(
      "GET",
      `/containers/${encodeURIComponent(name)}/changes`,
    );
    for (const c of changes ?? []) ctx.stdout.write(`${KIND[c.Kind] ?? "?"} ${c.Path}\n`);
    return 0;
  },
});

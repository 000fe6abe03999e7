// berth export: GET /containers/{id}/export to a file (-o) or stdout (never a terminal).
import { createWriteStream, renameSync, rmSync } from "node:fs";
import { pipeline } from "node:stream/promises";
import { command } from "../cli-context.ts";

export const exportCommand = command({
  paths: [["export"], ["container", "export"]],
  spec: {
    path: "berth export",
    usage: "[OPTIONS] CONTAINER",
    description: "Export a container's filesystem as a tar archive",
    aliases: ["berth container export", "berth export"],
    args: { exact: 1 },
    flags: { output: { type: "string", short: "o", description: "Write to a file, instead of STDOUT" } },
  },
  async run(ctx, flags, [name = ""]) {
    if (!flags.output && ctx.stdout.isTTY) {
      ctx.stderr.write("cowardly refusing to save to a terminal. Use the -o flag or redirect\n");
      return 1;
    }
    const body = await ctx.client.stream("GET", `/containers/${encodeURIComponent(name)}/export`);
    if (!flags.output) {
      await pipeline(body, ctx.stdout, { end: false });
      return 0;
    }
    const temp = `${flags.output}.berth-tmp-${process.pid}`;
    try {
      await pipeline(body, createWriteStream(temp));
      renameSync(temp, flags.output);
    } catch (err) {
      rmSync(temp, { force: true });
      throw err;
    }
    return 0;
  },
});

// berth save: GET /images/get?names=... streamed to a file (-o) or stdout (never a terminal).
import { createWriteStream, renameSync, rmSync } from "node:fs";
import { pipeline } from "node:stream/promises";
import { command } from "../cli-context.ts";

export const saveCommand = command({
  paths: [["save"], ["image", "save"]],
  spec: {
    path: "berth save",
    usage: "[OPTIONS] IMAGE [IMAGE...]",
    description: "Save one or more images to a tar archive (streamed to STDOUT by default)",
    aliases: ["berth image save", "berth save"],
    args: { min: 1 },
    flags: { output: { type: "string", short: "o", description: "Write to a file, instead of STDOUT" } },
  },
  async run(ctx, flags, args) {
    if (!flags.output && ctx.stdout.isTTY) {
      ctx.stderr.write("cowardly refusing to save to a terminal. Use the -o flag or redirect\n");
      return 1;
    }
    const body = await ctx.client.stream("GET", "/images/get", { query: { names: args } });
    if (!flags.output) {
      await pipeline(body, ctx.stdout, { end: false });
      return 0;
    }
    // Written beside the target and renamed: a failed save never leaves a partial archive.
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

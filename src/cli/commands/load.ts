// berth load: POST /images/load with the archive from -i or stdin.
import { createReadStream } from "node:fs";
import { command } from "../cli-context.ts";
import { displayJsonMessages } from "../json-messages.ts";

export const loadCommand = command({
  paths: [["load"], ["image", "load"]],
  spec: {
    path: "berth load",
    usage: "[OPTIONS]",
    description: "Load an image from a tar archive or STDIN",
    aliases: ["berth image load", "berth load"],
    args: "none",
    flags: {
      input: { type: "string", short: "i", description: "Read from tar archive file, instead of STDIN" },
      quiet: { type: "bool", short: "q", description: "Suppress the load output" },
    },
  },
  async run(ctx, flags) {
    if (!flags.input && ctx.stdin.isTTY) {
      ctx.stderr.write("requested load from stdin, but stdin is empty\n");
      return 1;
    }
    const input = flags.input ? createReadStream(flags.input) : ctx.stdin;
    const res = await ctx.client.stream("POST", "/images/load", {
      query: { quiet: flags.quiet },
      body: input,
      headers: { "Content-Type": "application/x-tar" },
    });
    await displayJsonMessages(res, ctx.stdout);
    return 0;
  },
});

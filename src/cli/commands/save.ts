// berth save: GET /images/get?names=... streamed to a file (-o) or stdout (never a terminal).
import { writeArchiveOutput } from "../archive-output.ts";
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
    return writeArchiveOutput(ctx, flags.output, () =>
      ctx.client.stream("GET", "/images/get", { query: { names: args } }),
    );
  },
});

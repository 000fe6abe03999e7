// berth import: POST /images/create?fromSrc=- with a rootfs tarball from a file or stdin.
import { createReadStream } from "node:fs";
import { command } from "../cli-context.ts";
import { displayJsonMessages } from "../json-messages.ts";
import { splitRepoTag } from "../repo-tag.ts";

export const importCommand = command({
  paths: [["import"], ["image", "import"]],
  spec: {
    path: "berth import",
    usage: "[OPTIONS] file|URL|- [REPOSITORY[:TAG]]",
    description: "Import the contents from a tarball to create a filesystem image",
    aliases: ["berth image import", "berth import"],
    args: { min: 1, max: 2 },
    flags: {
      change: { type: "list", short: "c", description: "Apply Dockerfile instruction to the created image" },
      message: { type: "string", short: "m", description: "Set commit message for imported image" },
      platform: { type: "string", description: "Set platform if server is multi-platform capable" },
    },
  },
  async run(ctx, flags, [source = "", ref = ""]) {
    const { repo, tag } = splitRepoTag(ref);
    const isUrl = /^https?:\/\//.test(source);
    const res = await ctx.client.stream("POST", "/images/create", {
      query: {
        fromSrc: isUrl ? source : "-",
        repo: repo || undefined,
        tag: tag || undefined,
        message: flags.message || undefined,
        changes: flags.change,
        platform: flags.platform || undefined,
      },
      ...(isUrl ? {} : { body: source === "-" ? ctx.stdin : createReadStream(source) }),
      headers: { "Content-Type": "application/x-tar" },
    });
    await displayJsonMessages(res, ctx.stdout);
    return 0;
  },
});

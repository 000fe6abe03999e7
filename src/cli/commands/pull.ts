// berth pull: POST /images/create?fromImage= with the registry's stored credentials.
import { command } from "../cli-context.ts";
import { pullImage } from "../image-pull.ts";

export const pullCommand = command({
  paths: [["pull"], ["image", "pull"]],
  spec: {
    path: "berth pull",
    usage: "[OPTIONS] NAME[:TAG|@DIGEST]",
    description: "Download an image from a registry",
    aliases: ["berth image pull", "berth pull"],
    args: { min: 1, max: 1 },
    flags: {
      "all-tags": { type: "bool", short: "a", description: "Download all tagged images in the repository" },
      platform: { type: "string", description: "Set platform if server is multi-platform capable" },
      quiet: { type: "bool", short: "q", description: "Suppress verbose output" },
      "disable-content-trust": { type: "bool", default: true, description: "Skip image verification" },
    },
  },
  async run(ctx, flags, args) {
    const name = await pullImage(ctx, args[0] ?? "", {
      allTags: flags["all-tags"],
      platform: flags.platform,
      quiet: flags.quiet,
    });
    ctx.stdout.write(`${name}\n`);
    return 0;
  },
});

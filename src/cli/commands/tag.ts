// berth tag SOURCE TARGET: POST /images/{source}/tag?repo=&tag=.
import { command } from "../cli-context.ts";
import { splitRepoTag } from "../repo-tag.ts";

export const tagCommand = command({
  paths: [["tag"], ["image", "tag"]],
  spec: {
    path: "berth tag",
    usage: "SOURCE_IMAGE[:TAG] TARGET_IMAGE[:TAG]",
    description: "Create a tag TARGET_IMAGE that refers to SOURCE_IMAGE",
    aliases: ["berth image tag", "berth tag"],
    args: { exact: 2 },
    flags: {},
  },
  async run(ctx, _flags, [source = "", target = ""]) {
    const { repo, tag } = splitRepoTag(target);
    await ctx.client.call("POST", `/images/${encodeURIComponent(source)}/tag`, { query: { repo, tag } });
    return 0;
  },
});

// berth commit: POST /commit, printing the new image's ID as `docker commit` does.
import { command } from "../cli-context.ts";
import { splitRepoTag } from "../repo-tag.ts";

export const commitCommand = command({
  paths: [["commit"], ["container", "commit"]],
  spec: {
    path: "berth commit",
    usage: "[OPTIONS] CONTAINER [REPOSITORY[:TAG]]",
    description: "Create a new image from a container's changes",
    aliases: ["berth container commit", "berth commit"],
    args: { min: 1, max: 2 },
    flags: {
      author: {
        type: "string",
        short: "a",
        description: 'Author (e.g., "John Hannibal Smith <hannibal@a-team.com>")',
      },
      change: { type: "list", short: "c", description: "Apply Dockerfile instruction to the created image" },
      message: { type: "string", short: "m", description: "Commit message" },
      pause: { type: "bool", short: "p", default: true, description: "Pause container during commit" },
    },
  },
  async run(ctx, flags, [container = "", ref = ""]) {
    const { repo, tag } = splitRepoTag(ref);
    const result = await ctx.client.json<{ Id: string }>("POST", "/commit", {
      query: {
        container,
        repo: repo || undefined,
        tag: tag || undefined,
        comment: flags.message || undefined,
        author: flags.author || undefined,
        pause: flags.pause ? undefined : "0",
        changes: flags.change,
      },
    });
    ctx.stdout.write(`${result.Id}\n`);
    return 0;
  },
});

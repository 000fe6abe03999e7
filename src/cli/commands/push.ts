// berth push: POST /images/{name}/push?tag= with the registry's stored credentials.
import { command } from "../cli-context.ts";
import { encodeAuthHeader, getCredentials, registryOfImage } from "../docker-config.ts";
import { displayProgress } from "../progress-display.ts";
import { splitRepoTag } from "../repo-tag.ts";

export const pushCommand = command({
  paths: [["push"], ["image", "push"]],
  spec: {
    path: "berth push",
    usage: "[OPTIONS] NAME[:TAG]",
    description: "Upload an image to a registry",
    aliases: ["berth image push", "berth push"],
    args: { min: 1, max: 1 },
    flags: {
      "all-tags": { type: "bool", short: "a", description: "Push all tags of an image to the repository" },
      platform: {
        type: "string",
        description: "Push a platform-specific manifest as a single-platform image",
      },
      quiet: { type: "bool", short: "q", description: "Suppress verbose output" },
      "disable-content-trust": { type: "bool", default: true, description: "Skip image signing" },
    },
  },
  async run(ctx, flags, args) {
    const image = args[0] ?? "";
    const { repo, tag: given } = splitRepoTag(image);
    let tag = given;
    if (flags["all-tags"] && tag !== "") {
      ctx.stderr.write("tag can't be used with --all-tags/-a\n");
      return 1;
    }
    if (tag === "" && !flags["all-tags"]) {
      tag = "latest";
      if (!flags.quiet) ctx.stdout.write("Using default tag: latest\n");
    }
    const res = await ctx.client.stream("POST", `/images/${encodeURIComponent(repo)}/push`, {
      query: { tag, platform: flags.platform || undefined },
      headers: { "X-Registry-Auth": encodeAuthHeader(getCredentials(registryOfImage(repo))) },
    });
    const quiet = { write: () => true } as unknown as NodeJS.WritableStream;
    await displayProgress(res, flags.quiet ? quiet : ctx.stdout, {
      tty: !flags.quiet && ctx.stdout.isTTY === true,
    });
    if (flags.quiet) ctx.stdout.write(`${tag === "" ? repo : `${repo}:${tag}`}\n`);
    return 0;
  },
});

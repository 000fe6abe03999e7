// berth rm / container rm: prints each removed name as given; errors collected, exit 1 if any.
import { ApiError } from "../../client/index.ts";
import { command } from "../cli-context.ts";

export const rmCommand = command({
  paths: [["rm"], ["container", "rm"], ["container", "remove"]],
  spec: {
    path: "berth rm",
    usage: "[OPTIONS] CONTAINER [CONTAINER...]",
    description: "Remove one or more containers",
    aliases: ["berth container rm", "berth container remove", "berth rm"],
    args: { min: 1 },
    flags: {
      force: {
        type: "bool",
        short: "f",
        description: "Force the removal of a running container (uses SIGKILL)",
      },
      link: { type: "bool", short: "l", description: "Remove the specified link" },
      volumes: {
        type: "bool",
        short: "v",
        description: "Remove anonymous volumes associated with the container",
      },
    },
  },
  async run(ctx, flags, args) {
    const errors: string[] = [];
    for (const name of args) {
      const ref = name.replace(/^\//, "");
      if (ref === "") {
        errors.push("Error: container name cannot be empty");
        continue;
      }
      try {
        await ctx.client.call("DELETE", `/containers/${encodeURIComponent(ref)}`, {
          query: { force: flags.force, v: flags.volumes, link: flags.link },
        });
        ctx.stdout.write(`${name}\n`);
      } catch (err) {
        if (!(err instanceof ApiError)) throw err;
        if (flags.force && err.status === 404) continue;
        errors.push(`Error response from daemon: ${err.message}`);
      }
    }
    if (errors.length === 0) return 0;
    ctx.stderr.write(`${errors.join("\n")}\n`);
    return 1;
  },
});

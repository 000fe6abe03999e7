// berth network rm: prints each removed name; an error per failure on stderr, then exit 1 as
// docker's cli.StatusError without a message ("exit status 1"). -f ignores missing networks.
import { ApiError } from "../../client/index.ts";
import { command } from "../cli-context.ts";

export const networkRmCommand = command({
  paths: [
    ["network", "rm"],
    ["network", "remove"],
  ],
  spec: {
    path: "berth network rm",
    usage: "NETWORK [NETWORK...]",
    description: "Remove one or more networks",
    aliases: ["berth network rm", "berth network remove"],
    args: { min: 1 },
    flags: {
      force: { type: "bool", short: "f", description: "Do not error if the network does not exist" },
    },
  },
  async run(ctx, flags, args) {
    let status = 0;
    for (const name of args) {
      try {
        await ctx.client.call("DELETE", `/networks/${encodeURIComponent(name)}`);
        ctx.stdout.write(`${name}\n`);
      } catch (err) {
        if (!(err instanceof ApiError)) throw err;
        if (flags.force && err.status === 404) continue;
        ctx.stderr.write(`Error response from daemon: ${err.message}\n`);
        status = 1;
      }
    }
    if (status !== 0) ctx.stderr.write(`exit status ${status}\n`);
    return status;
  },
});

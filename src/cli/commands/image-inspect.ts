// berth image inspect (berth inspect, for any object, is in container-inspect.ts).
import { ApiError } from "../../client/index.ts";
import { command, inspectJson } from "../cli-context.ts";
import { renderFormat } from "../table.ts";

export const imageInspectCommand = command({
  paths: [["image", "inspect"]],
  spec: {
    path: "berth image inspect",
    usage: "[OPTIONS] IMAGE [IMAGE...]",
    description: "Display detailed information on one or more images",
    args: { min: 1 },
    flags: {
      format: {
        type: "string",
        short: "f",
        description:
          "Format output using a custom template:\n'json':             Print in JSON format\n'TEMPLATE':         Print output using the given Go template.\nRefer to https://docs.docker.com/go/formatting/ for more information about formatting output with templates",
      },
    },
  },
  async run(ctx, flags, args) {
    const found: unknown[] = [];
    let status = 0;
    for (const name of args) {
      try {
        found.push(await ctx.client.json("GET", `/images/${encodeURIComponent(name)}/json`));
      } catch (err) {
        if (!(err instanceof ApiError) || err.status !== 404) throw err;
        ctx.stderr.write(`Error response from daemon: ${err.message}\n`);
        status = 1;
      }
    }
    if (flags.format && flags.format !== "json")
      ctx.stdout.write(renderFormat({ format: flags.format, rows: found }));
    else ctx.stdout.write(inspectJson(found));
    return status;
  },
});

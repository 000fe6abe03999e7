// berth logs: GET /containers/{id}/logs, demultiplexed onto stdout and stderr.
import type { IncomingMessage } from "node:http";
import { command } from "../cli-context.ts";
import { demuxStream } from "../demux-stream.ts";
import { getTimestamp } from "../go-time.ts";

export const logsCommand = command({
  paths: [["logs"], ["container", "logs"]],
  spec: {
    path: "berth logs",
    usage: "[OPTIONS] CONTAINER",
    description: "Fetch the logs of a container",
    aliases: ["berth container logs", "berth logs"],
    args: { exact: 1 },
    flags: {
      details: { type: "bool", description: "Show extra details provided to logs" },
      follow: { type: "bool", short: "f", description: "Follow log output" },
      since: {
        type: "string",
        description:
          'Show logs since timestamp (e.g. "2013-01-02T13:23:37Z") or relative (e.g. "42m" for 42 minutes)',
      },
      tail: {
        type: "string",
        short: "n",
        default: "all",
        description: "Number of lines to show from the end of the logs",
      },
      timestamps: { type: "bool", short: "t", description: "Show timestamps" },
      until: {
        type: "string",
        description:
          'Show logs before a timestamp (e.g. "2013-01-02T13:23:37Z") or relative (e.g. "42m" for 42 minutes)',
      },
    },
  },
  async run(ctx, flags, [name = ""]) {
    const res: IncomingMessage = await ctx.client.stream(
      "GET",
      `/containers/${encodeURIComponent(name)}/logs`,
      {
        query: {
          stdout: true,
          stderr: true,
          follow: flags.follow,
          timestamps: flags.timestamps,
          tail: flags.tail,
          since: flags.since ? getTimestamp(flags.since) : undefined,
          until: flags.until ? getTimestamp(flags.until) : undefined,
        },
      },
    );
    const tty = res.headers["content-type"] === "application/vnd.docker.raw-stream";
    await demuxStream(res, ctx.stdout, ctx.stderr, tty);
    return 0;
  },
});

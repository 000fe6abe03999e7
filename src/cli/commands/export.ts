// berth export: GET /containers/{id}/export to a file (-o) or stdout (never a terminal).
import { writeArchiveOutput } from "../archive-output.ts";
import { command } from "../cli-context.ts";

export const exportCommand = command({
  paths: [["export"], ["container", "export"]],
  spec: {
    path: "berth export",
    usage: "[OPTIONS] CONTAINER",
    description: "Export a container's filesystem as a tar archive",
    aliases: ["berth container export", "berth export"],
    args: { exact: 1 },
    flags: { output: { type: "string", short: "o", description: "Write to a file, instead of STDOUT" } },
  },
  async run(ctx, flags, [name = ""]) {
    return writeArchiveOutput(ctx, flags.output, () =>
      ctx.client.stream("GET", `/containers/${encodeURIComponent(name)}/export`),
    );
  },
});

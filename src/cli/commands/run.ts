// berth run: create, attach (unless -d), wait, start; the container's output goes to stdout and
// stderr and its exit code becomes ours, as `docker run` does (cli/command/container/run.go).
import { hijack } from "../../client/index.ts";
import { command } from "../cli-context.ts";
import { demuxStream } from "../demux-stream.ts";
import { CREATE_FLAGS, createFromFlags } from "./create.ts";

export const runCommand = command({
  paths: [["run"], ["container", "run"]],
  spec: {
    path: "berth run",
    usage: "[OPTIONS] IMAGE [COMMAND] [ARG...]",
    description: "Create and run a new container from an image",
    aliases: ["berth container run", "berth run"],
    args: { min: 1 },
    stopAtFirstPositional: true,
    flags: {
      ...CREATE_FLAGS,
      detach: { type: "bool", short: "d", description: "Run container in background and print container ID" },
      rm: {
        type: "bool",
        description: "Automatically remove the container and its associated anonymous volumes when it exits",
      },
    },
  },
  async run(ctx, flags, args) {
    const id = await createFromFlags(ctx, flags, args, { AutoRemove: flags.rm });
    const path = (verb: string): string => `/containers/${id}/${verb}`;
    if (flags.detach) {
      await ctx.client.call("POST", path("start"));
      ctx.stdout.write(`${id}\n`);
      return 0;
    }
    const attach = await hijack(
      ctx.client.socketPath,
      path("attach"),
      new URLSearchParams({ stream: "1", stdout: "1", stderr: "1" }),
    );
    // Registered before start, so a container that exits at once is not missed.
    const exit = ctx.client.json<{ StatusCode: number }>("POST", path("wait"), {
      query: { condition: flags.rm ? "removed" : "next-exit" },
    });
    const output = demuxStream(attach, ctx.stdout, ctx.stderr, flags.tty);
    await ctx.client.call("POST", path("start"));
    await output;
    return (await exit).StatusCode;
  },
});

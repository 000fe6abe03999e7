// berth run: create, attach (unless -d), wait, start; the container's output goes to stdout and
// stderr and its exit code becomes ours, as `docker run` does (cli/command/container/run.go).
import { attachContainer } from "../attach-session.ts";
import { command } from "../cli-context.ts";
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
      "detach-keys": { type: "string", description: "Override the key sequence for detaching a container" },
      "sig-proxy": { type: "bool", default: true, description: "Proxy received signals to the process" },
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
    const attach = await attachContainer(ctx, id, {
      stdin: flags.interactive,
      tty: flags.tty,
      detachKeys: flags["detach-keys"],
      sigProxy: flags["sig-proxy"],
    });
    // Registered before start, so a container that exits at once is not missed.
    const exit = ctx.client.json<{ StatusCode: number }>("POST", path("wait"), {
      query: { condition: flags.rm ? "removed" : "next-exit" },
    });
    await ctx.client.call("POST", path("start"));
    attach.resize();
    if ((await attach.done).detached) {
      exit.catch(() => undefined);
      ctx.stderr.write("read escape sequence\n");
      // What the docker CLI does on detach; the pending wait must not keep us alive.
      setImmediate(() => process.exit(1));
      return 1;
    }
    return (await exit).StatusCode;
  },
});

// berth run: create, attach and wait (unless -d), start; the container's output goes to stdout and
// stderr and its exit code becomes ours, as `docker run` does (cli/command/container/run.go).
import { attachContainer } from "../attach-session.ts";
import { command } from "../cli-context.ts";
import { runStatusError } from "../run-status-error.ts";
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
    let id: string;
    try {
      id = await createFromFlags(ctx, flags, args, { AutoRemove: flags.rm });
    } catch (err) {
      throw runStatusError(err);
    }
    const path = (verb: string): string => `/containers/${id}/${verb}`;
    if (flags.detach) {
      // The docker CLI prints the ID before it starts the container (also when start fails).
      ctx.stdout.write(`${id}\n`);
      await ctx.client.call("POST", path("start")).catch((err: unknown) => {
        throw runStatusError(err);
      });
      return 0;
    }
    // Attach and wait both in place before start (no output lost, a container that exits at once
    // not missed), asked for at the same time: each is in place once its response head is in.
    const [attached, waiting] = await Promise.allSettled([
      attachContainer(ctx, id, {
        stdin: flags.interactive,
        tty: flags.tty,
        detachKeys: flags["detach-keys"],
        sigProxy: flags["sig-proxy"],
      }),
      ctx.client.early<{ StatusCode: number }>("POST", path("wait"), {
        query: { condition: flags.rm ? "removed" : "next-exit" },
      }),
    ]);
    if (attached.status === "rejected" || waiting.status === "rejected") {
      if (attached.status === "fulfilled") attached.value.close();
      if (waiting.status === "fulfilled") waiting.value.close();
      throw attached.status === "rejected" ? attached.reason : (waiting as PromiseRejectedResult).reason;
    }
    const attach = attached.value;
    const exit = waiting.value.result;
    exit.catch(() => undefined); // read below unless start fails
    try {
      await ctx.client.call("POST", path("start"));
    } catch (err) {
      // Nothing will come on the attach stream; with --rm, the daemon removes the container:
      // wait for that, as the docker CLI does, then exit with docker's status for the error.
      attach.close();
      if (flags.rm) await exit.catch(() => undefined);
      waiting.value.close();
      throw runStatusError(err);
    }
    attach.resize();
    if ((await attach.done).detached) {
      waiting.value.close();
      ctx.stderr.write("read escape sequence\n");
      // What the docker CLI does on detach; the pending wait must not keep us alive.
      setImmediate(() => process.exit(1));
      return 1;
    }
    return (await exit).StatusCode;
  },
});

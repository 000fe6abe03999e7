// berth exec: run a command in a running container (POST /containers/{id}/exec, then
// /exec/{id}/start hijacked), its output on stdout/stderr and its exit code ours, as `docker
// exec` does (cli/command/container/exec.go). -i sends stdin (ending it half-closes the
// connection); -t gives a terminal: the local one goes raw and follows window size changes.
import { hijack } from "../../client/index.ts";
import { command } from "../cli-context.ts";
import { demuxStream } from "../demux-stream.ts";
import { expandEnv, readEnvFile } from "../env-file.ts";

export const execCommand = command({
  paths: [["exec"], ["container", "exec"]],
  spec: {
    path: "berth exec",
    usage: "[OPTIONS] CONTAINER COMMAND [ARG...]",
    description: "Execute a command in a running container",
    aliases: ["berth container exec", "berth exec"],
    args: { min: 2 },
    stopAtFirstPositional: true,
    flags: {
      detach: { type: "bool", short: "d", description: "Detached mode: run command in the background" },
      "detach-keys": { type: "string", description: "Override the key sequence for detaching a container" },
      env: { type: "list", short: "e", valueName: "list", description: "Set environment variables" },
      "env-file": { type: "list", valueName: "list", description: "Read in a file of environment variables" },
      interactive: { type: "bool", short: "i", description: "Keep STDIN open even if not attached" },
      privileged: { type: "bool", description: "Give extended privileges to the command" },
      tty: { type: "bool", short: "t", description: "Allocate a pseudo-TTY" },
      user: {
        type: "string",
        short: "u",
        description: 'Username or UID (format: "<name|uid>[:<group|gid>]")',
      },
      workdir: { type: "string", short: "w", description: "Working directory inside the container" },
    },
  },
  async run(ctx, flags, [container = "", ...cmd]) {
    const tty = flags.tty;
    const { Id: id } = await ctx.client.json<{ Id: string }>(
      "POST",
      `/containers/${encodeURIComponent(container)}/exec`,
      {
        body: JSON.stringify({
          Cmd: cmd,
          Env: [...flags["env-file"].flatMap(readEnvFile), ...flags.env].map(expandEnv),
          WorkingDir: flags.workdir,
          User: flags.user,
          Privileged: flags.privileged,
          Tty: tty,
          AttachStdin: flags.interactive && !flags.detach,
          AttachStdout: !flags.detach,
          AttachStderr: !flags.detach,
          DetachKeys: flags["detach-keys"],
        }),
        headers: { "Content-Type": "application/json" },
      },
    );
    if (flags.detach) {
      await ctx.client.call("POST", `/exec/${id}/start`, {
        body: JSON.stringify({ Detach: true, Tty: tty }),
        headers: { "Content-Type": "application/json" },
      });
      return 0;
    }
    const terminal = tty && ctx.stdout.isTTY === true;
    const size = (): [number, number] => [ctx.stdout.rows, ctx.stdout.columns];
    const socket = await hijack(ctx.client.socketPath, `/exec/${id}/start`, new URLSearchParams(), {
      Detach: false,
      Tty: tty,
      ...(terminal ? { ConsoleSize: size() } : {}),
    });
    const rawInput = flags.interactive && tty && ctx.stdin.isTTY === true;
    const onResize = (): void => {
      const [h, w] = size();
      ctx.client.call("POST", `/exec/${id}/resize`, { query: { h, w } }).catch(() => undefined);
    };
    if (terminal) ctx.stdout.on("resize", onResize);
    if (rawInput) ctx.stdin.setRawMode(true);
    try {
      if (flags.interactive) {
        ctx.stdin.on("data", (chunk: Buffer) => socket.write(chunk));
        ctx.stdin.on("end", () => socket.end());
      } else {
        socket.end();
      }
      // process.stdout/stderr made on the first byte for them: `exec ctr true` needs neither.
      const out = { write: (b: Buffer) => ctx.stdout.write(b) };
      const err = { write: (b: Buffer) => ctx.stderr.write(b) };
      await demuxStream(socket, out, err, tty);
    } finally {
      if (rawInput) ctx.stdin.setRawMode(false);
      if (terminal) ctx.stdout.off("resize", onResize);
      // Touching process.stdin sets up a handle: only when it was used.
      if (flags.interactive) ctx.stdin.pause();
    }
    const inspect = await ctx.client.json<{ ExitCode: number | null }>("GET", `/exec/${id}/json`);
    return inspect.ExitCode ?? 0;
  },
});

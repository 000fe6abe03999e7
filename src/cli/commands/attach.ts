// berth attach, and `berth start -a [-i]`: the container's output (and with stdin, our stdin)
// until it exits, then its exit code; the detach keys leave it running (cli/command/container/
// attach.go and start.go).
import { attachContainer } from "../attach-session.ts";
import { command, type CliContext } from "../cli-context.ts";

interface Inspected {
  Id: string;
  Config: { Tty?: boolean; OpenStdin?: boolean };
  State: { Running: boolean; Paused?: boolean };
}

/** Attaches, starts the container when `start`, and returns its exit code. */
export async function attachAndWait(
  ctx: CliContext,
  name: string,
  o: { stdin: boolean; start: boolean; detachKeys?: string; sigProxy?: boolean },
): Promise<number> {
  const c = await ctx.client.json<Inspected>("GET", `/containers/${encodeURIComponent(name)}/json`);
  if (!o.start && !c.State.Running) {
    ctx.stderr.write("You cannot attach to a stopped container, start it first\n");
    return 1;
  }
  if (!o.start && c.State.Paused === true) {
    ctx.stderr.write("You cannot attach to a paused container, unpause it first\n");
    return 1;
  }
  const tty = c.Config.Tty === true;
  const session = await attachContainer(ctx, c.Id, {
    stdin: o.stdin && c.Config.OpenStdin === true,
    tty,
    ...(o.detachKeys ? { detachKeys: o.detachKeys } : {}),
    sigProxy: o.sigProxy !== false,
  });
  const exit = ctx.client.json<{ StatusCode: number }>("POST", `/containers/${c.Id}/wait`, {
    query: { condition: "next-exit" },
  });
  if (o.start) await ctx.client.call("POST", `/containers/${c.Id}/start`);
  session.resize();
  if ((await session.done).detached) {
    exit.catch(() => undefined);
    ctx.stderr.write("read escape sequence\n");
    setImmediate(() => process.exit(1)); // as the docker CLI; the pending wait must not keep us
    return 1;
  }
  return (await exit).StatusCode;
}

export const attachCommand = command({
  paths: [["attach"], ["container", "attach"]],
  spec: {
    path: "berth attach",
    usage: "[OPTIONS] CONTAINER",
    description: "Attach local standard input, output, and error streams to a running container",
    aliases: ["berth container attach", "berth attach"],
    args: { min: 1, max: 1 },
    flags: {
      "detach-keys": { type: "string", description: "Override the key sequence for detaching a container" },
      "no-stdin": { type: "bool", description: "Do not attach STDIN" },
      "sig-proxy": { type: "bool", default: true, description: "Proxy all received signals to the process" },
    },
  },
  run: (ctx, flags, [name = ""]) =>
    attachAndWait(ctx, name, {
      stdin: !flags["no-stdin"],
      start: false,
      detachKeys: flags["detach-keys"],
      sigProxy: flags["sig-proxy"],
    }),
});

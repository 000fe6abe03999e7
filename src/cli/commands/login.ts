// berth login / logout: POST /auth checks the credentials against the registry (in berthd, as
// dockerd does); the CLI then keeps them in config.json or the configured credential helper.
import { readFileSync } from "node:fs";
import { type CliContext, command } from "../cli-context.ts";
import { authKeyOf, eraseCredentials, storeCredentials } from "../docker-config.ts";

export const loginCommand = command({
  paths: [["login"]],
  spec: {
    path: "berth login",
    usage: "[OPTIONS] [SERVER]",
    description: "Authenticate to a registry.\nDefaults to Docker Hub if no server is specified.",
    aliases: [],
    args: { max: 1 },
    flags: {
      username: { type: "string", short: "u", description: "Username" },
      password: { type: "string", short: "p", description: "Password or Personal Access Token (PAT)" },
      "password-stdin": {
        type: "bool",
        description: "Take the Password or Personal Access Token (PAT) from stdin",
      },
    },
  },
  async run(ctx, flags, args) {
    const server = args[0] ?? "";
    let password = flags.password;
    if (flags["password-stdin"]) {
      if (password) {
        ctx.stderr.write("--password and --password-stdin are mutually exclusive\n");
        return 1;
      }
      if (!flags.username) {
        ctx.stderr.write("Must provide --username with --password-stdin\n");
        return 1;
      }
      password = readFileSync(0, "utf8").replace(/\r?\n$/, "");
    } else if (password) {
      ctx.stderr.write("WARNING! Using --password via the CLI is insecure. Use --password-stdin.\n");
    }
    let username = flags.username;
    if (!username || !password) {
      if (!ctx.stdin.isTTY) {
        ctx.stderr.write("Error: Cannot perform an interactive login from a non TTY device\n");
        return 1;
      }
      // The docker CLI's prompts; the password is not echoed.
      if (!username) username = (await ask(ctx, "Username: ", false)).trim();
      if (!password) password = await ask(ctx, "Password: ", true);
      if (!username) {
        ctx.stderr.write("Error: Non-null Username Required\n");
        return 1;
      }
      if (!password) {
        ctx.stderr.write("Error: Password Required\n");
        return 1;
      }
    }
    const key = authKeyOf(server);
    const res = await ctx.client.json<{ Status?: string; IdentityToken?: string }>("POST", "/auth", {
      body: JSON.stringify({ username, password, serveraddress: key }),
      headers: { "Content-Type": "application/json" },
    });
    storeCredentials(
      key,
      res.IdentityToken
        ? { username, identitytoken: res.IdentityToken, serveraddress: key }
        : { username, password, serveraddress: key },
    );
    ctx.stdout.write(`${res.Status ?? "Login Succeeded"}\n`);
    return 0;
  },
});

/** Typed ahead of a prompt (a fast paste holds both lines in one read). */
let typedAhead = "";

/** One line from the terminal, in raw mode so a password can go unechoed. */
function ask(ctx: CliContext, question: string, hidden: boolean): Promise<string> {
  ctx.stdout.write(question);
  const stdin = ctx.stdin;
  return new Promise((resolve, reject) => {
    let line = "";
    let finished = false;
    const done = (err?: Error): void => {
      finished = true;
      stdin.off("data", onData);
      stdin.setRawMode(false);
      stdin.pause();
      ctx.stdout.write("\n");
      if (err) reject(err);
      else resolve(line);
    };
    const feed = (text: string): void => {
      const chars = [...text];
      for (const [i, ch] of chars.entries()) {
        if (ch === "\r" || ch === "\n") {
          typedAhead = chars
            .slice(i + 1)
            .join("")
            .replace(/^\n/, "");
          return done();
        }
        if (ch === "\u0003") return done(new Error("login cancelled"));
        if (ch === "\u007f" || ch === "\b") {
          if (line.length > 0 && !hidden) ctx.stdout.write("\b \b");
          line = line.slice(0, -1);
        } else {
          line += ch;
          if (!hidden) ctx.stdout.write(ch);
        }
      }
    };
    const onData = (chunk: Buffer): void => feed(chunk.toString("utf8"));
    const pending = typedAhead;
    typedAhead = "";
    feed(pending);
    if (finished) return;
    stdin.setRawMode(true);
    stdin.on("data", onData);
    stdin.resume();
  });
}

export const logoutCommand = command({
  paths: [["logout"]],
  spec: {
    path: "berth logout",
    usage: "[SERVER]",
    description: "Log out from a registry.\nIf no server is specified, the default is defined by the daemon.",
    aliases: [],
    args: { max: 1 },
    flags: {},
  },
  async run(ctx, _flags, args) {
    const key = authKeyOf(args[0] ?? "");
    if (!eraseCredentials(key)) {
      ctx.stdout.write(`Not logged in to ${key}\n`);
      return 0;
    }
    ctx.stdout.write(`Removing login credentials for ${key}\n`);
    return 0;
  },
});

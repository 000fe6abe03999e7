// berth login / logout: POST /auth checks the credentials against the registry (in berthd, as
// dockerd does); the CLI then keeps them in config.json or the configured credential helper.
import { readFileSync } from "node:fs";
import { command } from "../cli-context.ts";
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
    if (!flags.username || !password) {
      ctx.stderr.write("Error: Cannot perform an interactive login from a non TTY device\n");
      return 1;
    }
    const key = authKeyOf(server);
    const res = await ctx.client.json<{ Status?: string; IdentityToken?: string }>("POST", "/auth", {
      body: JSON.stringify({ username: flags.username, password, serveraddress: key }),
      headers: { "Content-Type": "application/json" },
    });
    storeCredentials(
      key,
      res.IdentityToken
        ? { username: flags.username, identitytoken: res.IdentityToken, serveraddress: key }
        : { username: flags.username, password, serveraddress: key },
    );
    ctx.stdout.write(`${res.Status ?? "Login Succeeded"}\n`);
    return 0;
  },
});

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

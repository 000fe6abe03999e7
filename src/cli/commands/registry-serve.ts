// berth registry serve: runs an OCI distribution registry in this process until SIGINT/SIGTERM.
// The server code is loaded only here (dynamic import; a separate bundle in dist/), so that
// every other berth command starts as fast as before.
import { command } from "../cli-context.ts";

export const registryServeCommand = command({
  paths: [["registry", "serve"]],
  spec: {
    path: "berth registry serve",
    usage: "[OPTIONS]",
    description: "Serve an OCI distribution registry from a directory",
    args: "none",
    flags: {
      addr: {
        type: "string",
        default: "127.0.0.1:5000",
        description: "Address to listen on (host:port; port 0 picks a free one)",
      },
      root: {
        type: "string",
        default: "/var/lib/berth-registry",
        description: "Directory of the registry's storage",
      },
      htpasswd: {
        type: "string",
        description: "htpasswd file of users (bcrypt from 'htpasswd -B', or {SHA}) for basic auth",
      },
      "auth-token-realm": {
        type: "string",
        description: "Token auth: URL of the token service sent in challenges",
      },
      "auth-token-service": {
        type: "string",
        description: "Token auth: service name (the tokens' audience)",
      },
      "auth-token-issuer": {
        type: "string",
        description: 'Token auth: issuer the tokens must name (default "berth-registry")',
      },
      "auth-token-rootcertbundle": {
        type: "string",
        description: "Token auth: PEM certificates or public keys that sign tokens",
      },
      "token-server": {
        type: "bool",
        description: "Serve /token for the --htpasswd users and require its bearer tokens",
      },
      "token-key": {
        type: "string",
        description: "PEM private key (RSA or EC) the token server signs with (default: a new P-256 key)",
      },
      "tls-cert": { type: "string", description: "Serve HTTPS with this PEM certificate" },
      "tls-key": { type: "string", description: "PEM private key of --tls-cert" },
      debug: { type: "bool", short: "D", description: "Log refused requests on stderr" },
    },
  },
  async run(ctx, flags) {
    const { startRegistryServer } = await import("../../registry/server/index.ts");
    const opt = (v: string): string | undefined => (v === "" ? undefined : v);
    const registry = await startRegistryServer({
      addr: flags.addr,
      root: flags.root,
      htpasswdFile: opt(flags.htpasswd),
      tokenRealm: opt(flags["auth-token-realm"]),
      tokenService: opt(flags["auth-token-service"]),
      tokenIssuer: opt(flags["auth-token-issuer"]),
      tokenRootCertBundle: opt(flags["auth-token-rootcertbundle"]),
      tokenServer: flags["token-server"],
      tokenKeyFile: opt(flags["token-key"]),
      tlsCert: opt(flags["tls-cert"]),
      tlsKey: opt(flags["tls-key"]),
      log: (line) => {
        if (flags.debug || line.startsWith("internal error")) ctx.stderr.write(`${line}\n`);
      },
    });
    ctx.stdout.write(`berth registry listening on ${registry.url}\n`);
    await new Promise<void>((resolve) => {
      const stop = (): void => {
        process.off("SIGINT", stop);
        process.off("SIGTERM", stop);
        resolve();
      };
      process.on("SIGINT", stop);
      process.on("SIGTERM", stop);
    });
    await registry.close();
    return 0;
  },
});

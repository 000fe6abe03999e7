// berth registry garbage-collect: deletes blob bytes that no repository of a `berth registry
// serve` root links any more (deleting a manifest or blob over the API only unlinks it).
import { command } from "../cli-context.ts";

export const registryGcCommand = command({
  paths: [
    ["registry", "garbage-collect"],
    ["registry", "gc"],
  ],
  spec: {
    path: "berth registry garbage-collect",
    usage: "[OPTIONS]",
    description: "Delete blobs no repository of a registry root links",
    aliases: ["berth registry garbage-collect", "berth registry gc"],
    args: "none",
    flags: {
      root: {
        type: "string",
        default: "/var/lib/berth-registry",
        description: "Directory of the registry's storage",
      },
      "dry-run": { type: "bool", short: "d", description: "Only list what would be deleted" },
      grace: {
        type: "int",
        default: 3600,
        description: "Keep blobs written in the last this many seconds (pushes in flight)",
      },
    },
  },
  async run(ctx, flags) {
    const { RegistryStorage } = await import("../../registry/server/index.ts");
    const storage = new RegistryStorage(flags.root);
    const { removed, kept } = await storage.collectGarbage(Math.max(0, flags.grace) * 1000, flags["dry-run"]);
    for (const digest of removed)
      ctx.stdout.write(`${flags["dry-run"] ? "would delete" : "deleted"} ${digest}\n`);
    ctx.stdout.write(`${removed.length} blob(s) ${flags["dry-run"] ? "unused" : "deleted"}, ${kept} kept\n`);
    return 0;
  },
});

// berth network inspect: indented JSON array, or a template per network.
import { command, INSPECT_FORMAT_FLAG, inspectEach } from "../cli-context.ts";

export const networkInspectCommand = command({
  paths: [["network", "inspect"]],
  spec: {
    path: "berth network inspect",
    usage: "[OPTIONS] NETWORK [NETWORK...]",
    description: "Display detailed information on one or more networks",
    args: { min: 1 },
    flags: {
      format: INSPECT_FORMAT_FLAG,
      verbose: { type: "bool", short: "v", description: "Verbose output for diagnostics" },
    },
  },
  // --verbose only adds swarm service details, which a local engine has none of.
  run: (ctx, flags, args) => inspectEach(ctx, args, (n) => `/networks/${n}`, flags.format),
});

// berth volume inspect: indented JSON array, or a template per volume.
import { command, INSPECT_FORMAT_FLAG, inspectEach } from "../cli-context.ts";

export const volumeInspectCommand = command({
  paths: [["volume", "inspect"]],
  spec: {
    path: "berth volume inspect",
    usage: "[OPTIONS] VOLUME [VOLUME...]",
    description: "Display detailed information on one or more volumes",
    args: { min: 1 },
    flags: { format: INSPECT_FORMAT_FLAG },
  },
  run: (ctx, flags, args) => inspectEach(ctx, args, (n) => `/volumes/${n}`, flags.format),
});

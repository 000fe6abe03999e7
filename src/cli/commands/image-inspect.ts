// berth image inspect (berth inspect, for any object, is in container-inspect.ts).
import { command, INSPECT_FORMAT_FLAG, inspectEach } from "../cli-context.ts";

export const imageInspectCommand = command({
  paths: [["image", "inspect"]],
  spec: {
    path: "berth image inspect",
    usage: "[OPTIONS] IMAGE [IMAGE...]",
    description: "Display detailed information on one or more images",
    args: { min: 1 },
    flags: { format: INSPECT_FORMAT_FLAG },
  },
  run: (ctx, flags, args) => inspectEach(ctx, args, (n) => `/images/${n}/json`, flags.format),
});

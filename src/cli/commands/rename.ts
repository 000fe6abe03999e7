// berth rename / container rename.
import { ApiError } from "../../client/index.ts";
import { command } from "../cli-context.ts";

export const renameCommand = command({
  paths: [["rename"], ["container", "rename"]],
  spec: {
    path: "berth rename",
    usage: "CONTAINER NEW_NAME",
    description: "Rename a container",
    aliases: ["berth container rename", "berth rename"],
    args: { exact: 2 },
    flags: {},
  },
  async run(ctx, _flags, args) {
    const oldName = (args[0] ?? "").trim();
    const newName = (args[1] ?? "").trim();
    if (oldName === "" || newName === "") {
      ctx.stderr.write("Error: Neither old nor new names may be empty\n");
      return 1;
    }
    try {
      await ctx.client.call("POST", `/containers/${encodeURIComponent(oldName)}/rename`, {
        query: { name: newName },
      });
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      ctx.stderr.write(
        `Error response from daemon: ${err.message}\nError: failed to rename container named ${oldName}\n`,
      );
      return 1;
    }
    return 0;
  },
});

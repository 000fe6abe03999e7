// berth info: the daemon's system information (GET /info).
import type { SystemInfo } from "../../api/types/index.ts";
import { command, FORMAT_HELP } from "../cli-context.ts";
import { bytesSize } from "../humanize.ts";
import { renderFormat } from "../table.ts";

export const infoCommand = command({
  paths: [["info"], ["system", "info"]],
  spec: {
    path: "berth info",
    usage: "[OPTIONS]",
    description: "Display system-wide information",
    args: "none",
    flags: { format: { type: "string", short: "f", description: FORMAT_HELP } },
  },
  async run(ctx, flags) {
    const info = await ctx.client.json<SystemInfo>("GET", "/info");
    if (flags.format === "json") {
      ctx.stdout.write(JSON.stringify(info) + "\n");
      return 0;
    }
    if (flags.format) {
      ctx.stdout.write(renderFormat({ format: flags.format, rows: [info] }));
      return 0;
    }
    const lines = [
      "Server:",
      ` Containers: ${info.Containers}`,
      `  Running: ${info.ContainersRunning}`,
      `  Paused: ${info.ContainersPaused}`,
      `  Stopped: ${info.ContainersStopped}`,
      ` Images: ${info.Images}`,
      ` Server Version: ${info.ServerVersion}`,
      ` Storage Driver: ${info.Driver}`,
      ` Logging Driver: ${info.LoggingDriver}`,
      ` Cgroup Driver: ${info.CgroupDriver}`,
      ` Cgroup Version: ${info.CgroupVersion}`,
      ` Runtimes: ${Object.keys(info.Runtimes).join(" ")}`,
      ` Default Runtime: ${info.DefaultRuntime}`,
      ` Security Options: ${info.SecurityOptions.join(" ")}`,
      ` Kernel Version: ${info.KernelVersion}`,
      ` Operating System: ${info.OperatingSystem}`,
      ` OSType: ${info.OSType}`,
      ` Architecture: ${info.Architecture}`,
      ` CPUs: ${info.NCPU}`,
      ` Total Memory: ${bytesSize(info.MemTotal)}`,
      ` Name: ${info.Name}`,
      ` ID: ${info.ID}`,
      ` Docker Root Dir: ${info.DockerRootDir}`,
      ` Debug Mode: ${info.Debug}`,
      ` Live Restore Enabled: ${info.LiveRestoreEnabled}`,
    ];
    ctx.stdout.write(lines.join("\n") + "\n");
    for (const warning of info.Warnings) ctx.stderr.write(`${warning}\n`);
    return 0;
  },
});

// `berth`, `berth --help`: the command list, derived from the commands themselves so that a new
// command is never missing from it (the list was hand-written once and fell behind).
import { DEFAULT_HOST } from "../client/index.ts";
import type { Command } from "./cli-context.ts";

interface Entry {
  name: string;
  description: string;
}

function section(title: string, entries: Entry[]): string {
  const sorted = [...entries].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  // cobra pads command names to 11 columns (docker/cli's usage template: {{rpad .Name 11}}).
  const width = Math.max(11, ...sorted.map((e) => e.name.length));
  return `${title}:\n${sorted.map((e) => `  ${e.name.padEnd(width)} ${e.description}`).join("\n")}\n`;
}

/** The first line of a command's description, as cobra's Short. */
function summary(cmd: Command): string {
  return (cmd.spec.description.split("\n")[0] ?? "").replace(/\.$/, "");
}

export function rootHelp(commands: readonly Command[], groups: Readonly<Record<string, string>>): string {
  const top = new Map<string, string>();
  for (const cmd of commands) {
    for (const path of cmd.paths) {
      const [name] = path;
      if (path.length === 1 && name !== undefined && !top.has(name)) top.set(name, summary(cmd));
    }
  }
  const used = new Set(commands.flatMap((c) => c.paths.map((p) => p[0])));
  const management = Object.entries(groups).filter(([name]) => used.has(name));
  return [
    "\nUsage:  berth [OPTIONS] COMMAND\n\nA container engine that speaks the Docker Engine API\n",
    section(
      "Commands",
      [...top].map(([name, description]) => ({ name, description })),
    ),
    section(
      "Management Commands",
      management.map(([name, description]) => ({ name, description })),
    ),
    "Global Options:\n" +
      "  -D, --debug              Enable debug mode\n" +
      `  -H, --host string        Daemon socket to connect to (default from BERTH_HOST, DOCKER_HOST, or ${DEFAULT_HOST})\n` +
      "  -v, --version            Print version information and quit\n",
    "Run 'berth COMMAND --help' for more information on a command.\n",
  ].join("\n");
}

// berth: the client, with every command (run-cli.ts parses and runs them).
import { COMMANDS } from "./commands/index.ts";
import { rootHelp } from "./root-help.ts";
import { runCli } from "./run-cli.ts";

const GROUP_DESCRIPTIONS: Record<string, string> = {
  builder: "Manage builds",
  container: "Manage containers",
  image: "Manage images",
  network: "Manage networks",
  registry: "Serve an OCI distribution registry",
  system: "Manage berth",
  volume: "Manage volumes",
};

runCli(
  { commands: COMMANDS, rootHelp: rootHelp(COMMANDS, GROUP_DESCRIPTIONS), groups: GROUP_DESCRIPTIONS },
  process.argv.slice(2),
);

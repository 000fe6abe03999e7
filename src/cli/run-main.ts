// `berth run` alone, bundled apart (dist/berth-run.cjs): bin/berth runs it when the command is
// `run` or `container run`. Reading and compiling the whole CLI (every other command, the Go
// template engine, tables) is part of every `berth run`'s start-up otherwise. The command is the
// same one the whole CLI has (every flag, pulls, -i/-t, detach keys).
import { runCommand } from "./commands/run.ts";
import { runCli } from "./run-cli.ts";

runCli({ commands: [runCommand], rootHelp: "", groups: {}, exitWhenDone: true }, process.argv.slice(2));

// `berth exec` alone, bundled apart (dist/berth-exec.cjs): bin/berth runs it when the command is
// `exec` or `container exec`. Reading and compiling the whole CLI (every command, the Go template
// engine, tables) is a few ms that `berth exec` in a script pays on every call.
import { execCommand } from "./commands/exec.ts";
import { runCli } from "./run-cli.ts";

runCli({ commands: [execCommand], rootHelp: "", groups: {}, exitWhenDone: true }, process.argv.slice(2));

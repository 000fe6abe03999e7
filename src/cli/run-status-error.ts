// What `docker run` makes of an error creating or starting its container (docker/cli
// cli/command/container/run.go toStatusError): the message with the command's name before it and
// a pointer to --help after it, and an exit status that tells a command that could not be run
// (127: not found; 126: not executable) from any other failure (125). UsageError is how the CLI
// carries a message and its status to the exit (run-cli.ts).
import { ApiError } from "../client/index.ts";
import { UsageError } from "./flags.ts";
import { StreamError } from "./json-messages.ts";

export function runStatusError(err: unknown): UsageError {
  if (err instanceof UsageError) return err;
  const message =
    err instanceof ApiError || err instanceof StreamError
      ? `Error response from daemon: ${err.message}`
      : err instanceof Error
        ? err.message
        : String(err);
  let status = 125;
  if (
    /executable file not found|no such file or directory|system cannot find the file specified/.test(message)
  )
    status = 127;
  else if (/permission denied|is a directory/.test(message)) status = 126;
  return new UsageError(`berth: ${message}\n\nRun 'berth run --help' for more information`, status);
}

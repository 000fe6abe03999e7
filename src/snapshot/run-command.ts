// Runs a mount-related command (mount, umount, sync) and turns a failure into an EngineError
// that carries the argv, the exit code and the tail of stderr (DESIGN.md "Errors").
import { execFile } from "node:child_process";
import { internal } from "../lib/index.ts";

export interface RunOptions {
  cwd?: string;
}

export function runCommand(argv: readonly string[], options: RunOptions = {}): Promise<void> {
  const [file, ...args] = argv;
  if (file === undefined) return Promise.reject(internal("COMMAND_FAILED", "empty command"));
  return new Promise((resolve, reject) => {
    execFile(file, args, { cwd: options.cwd, encoding: "utf8" }, (err, _stdout, stderr) => {
      if (err === null) return resolve();
      const exit =
        typeof err.code === "number" ? `exit code ${err.code}` : String(err.code ?? err.signal ?? "failed");
      const tail = stderr.trim().split("\n").slice(-5).join("\n");
      reject(
        internal("COMMAND_FAILED", `${argv.join(" ")}: ${exit}${tail === "" ? "" : `: ${tail}`}`, {
          cause: err,
        }),
      );
    });
  });
}

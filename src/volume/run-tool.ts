// Runs mount(8), umount(8) and cp(1): the standard tools for the privileged steps (DESIGN.md).
import { execFile } from "node:child_process";
import { volumeIoFailed } from "../lib/index.ts";

export function runTool(operation: string, volume: string, argv: readonly string[]): Promise<void> {
  const [file, ...args] = argv;
  return new Promise((resolve, reject) => {
    execFile(file ?? "", args, { encoding: "utf8" }, (err, _stdout, stderr) => {
      if (err === null) return resolve();
      const tail = stderr.trim().split("\n").slice(-3).join("; ");
      const failure = { argv, exitCode: typeof err.code === "number" ? err.code : null, stderrTail: tail };
      reject(volumeIoFailed(operation, volume, tail || err.message, failure));
    });
  });
}

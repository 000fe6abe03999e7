// Runs the standard plumbing tools (ip, unshare, nsenter, iptables-restore, umount), with an
// optional stdin (ip -batch -, iptables-restore read their whole batch from it: one process per
// step instead of one per command). Failures carry argv, exit code and stderr's tail.
import { spawn } from "node:child_process";
import { internal } from "../lib/index.ts";

export interface ToolResult {
  stdout: string;
  stderr: string;
}

/** `onOutput` is called once, at the child's first byte of stdout (a "ready" signal). */
export function runTool(argv: readonly string[], input?: string, onOutput?: () => void): Promise<ToolResult> {
  const [file, ...args] = argv;
  return new Promise((resolve, reject) => {
    const child = spawn(file ?? "", args, {
      stdio: [input === undefined ? "ignore" : "pipe", "pipe", "pipe"],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout?.on("data", (c: Buffer) => {
      if (out.length === 0) onOutput?.();
      out.push(c);
    });
    child.stderr?.on("data", (c: Buffer) => err.push(c));
    child.on("error", (e) => reject(internal("NETWORK_TOOL", `${file ?? ""}: ${e.message}`, { cause: e })));
    child.on("close", (code) => {
      const stdout = Buffer.concat(out).toString("utf8");
      const stderr = Buffer.concat(err).toString("utf8");
      if (code === 0) return resolve({ stdout, stderr });
      const tail = stderr.trim().split("\n").slice(-3).join("; ");
      reject(internal("NETWORK_TOOL", `${argv.join(" ")} (exit ${String(code)}): ${tail}`));
    });
    if (input !== undefined) child.stdin?.end(input);
  });
}

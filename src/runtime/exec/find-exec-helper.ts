// Finds build/Release/berth-exec (native/berth_exec.c, built by node-gyp beside the addon) in
// the nearest ancestor of this module: from src/runtime/exec (tsx) as from dist/ (the bundle).
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { internal } from "../../lib/index.ts";

const HELPER = join("build", "Release", "berth-exec");

export function findExecHelper(from: string = dirname(fileURLToPath(import.meta.url))): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, HELPER);
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) {
      throw internal(
        "EXEC_HELPER_MISSING",
        `${HELPER} not found above ${from}; run npm install (node-gyp rebuild, needs libseccomp-dev)`,
      );
    }
  }
}

// Writes dist/berth.cjs.cache and dist/berth-exec.cjs.cache, the V8 code caches bin/berth compiles
// the CLI bundles with. Made by this node at build time (a cache only fits the V8 version and flags
// that made it; never committed). bin/berth makes each itself (BERTH_CODE_CACHE_OUT) after one run
// of a command against a socket that does not exist: the cache then also holds the functions that
// start-up, flag parsing and a request compile, not just the top level.
import { spawnSync } from "node:child_process";
import { renameSync, rmSync } from "node:fs";

// Flags from NODE_OPTIONS would go into the cache's flag hash, which berth's runs then miss.
const { NODE_OPTIONS: _, ...env } = process.env;
const TRAINING = {
  // bin/berth runs dist/berth-exec.cjs for `exec` (see there), dist/berth.cjs for the rest.
  "dist/berth.cjs.cache": ["run", "--rm", "busybox", "true"],
  "dist/berth-exec.cjs.cache": ["exec", "ctr", "true"],
};
for (const [cache, args] of Object.entries(TRAINING)) {
  const tmp = `${cache}.tmp-${process.pid}`;
  rmSync(cache, { force: true });
  // bin/berth itself, not `node bin/berth`: its #! line's node and flags are those a cache must match.
  const r = spawnSync("bin/berth", ["-H", "unix:///nonexistent/berth-code-cache.sock", ...args], {
    env: { ...env, BERTH_CODE_CACHE_OUT: tmp, BERTH_HOST: "", DOCKER_HOST: "" },
    encoding: "utf8",
  });
  // The training run fails to connect (exit 1); anything else means the bundle is broken.
  if (r.status !== 1 || !r.stderr.includes("Cannot connect to the berth daemon")) {
    rmSync(tmp, { force: true });
    throw new Error(`berth code cache ${cache}: unexpected training run (status ${r.status}): ${r.stderr}`);
  }
  renameSync(tmp, cache);
}

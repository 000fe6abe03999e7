// Writes dist/berth.cjs.cache, the V8 code cache bin/berth compiles the CLI bundle with. Made by
// this node at build time (a cache only fits the V8 version and flags that made it; never
// committed). bin/berth makes it itself (BERTH_CODE_CACHE_OUT) after one run of `berth run`
// against a socket that does not exist: the cache then also holds the functions that start-up,
// flag parsing and a request compile, not just the top level.
import { spawnSync } from "node:child_process";
import { renameSync, rmSync } from "node:fs";

const cache = "dist/berth.cjs.cache";
const tmp = `${cache}.tmp-${process.pid}`;
rmSync(cache, { force: true });
// Flags from NODE_OPTIONS would go into the cache's flag hash, which berth's runs then miss.
const { NODE_OPTIONS: _, ...env } = process.env;
// bin/berth itself, not `node bin/berth`: its #! line's node and flags are those a cache must match.
const r = spawnSync(
  "bin/berth",
  ["-H", "unix:///nonexistent/berth-code-cache.sock", "run", "--rm", "busybox", "true"],
  { env: { ...env, BERTH_CODE_CACHE_OUT: tmp, BERTH_HOST: "", DOCKER_HOST: "" }, encoding: "utf8" },
);
// The training run fails to connect (exit 1); anything else means the bundle is broken.
if (r.status !== 1 || !r.stderr.includes("Cannot connect to the berth daemon")) {
  rmSync(tmp, { force: true });
  throw new Error(`berth code cache: unexpected training run (status ${r.status}): ${r.stderr}`);
}
renameSync(tmp, cache);

// Enforces DESIGN.md's dependency arrows: which src/ folder may import which, that another
// folder is reached only through its index.ts, and that no import cycle exists between files.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";

const SRC = resolve("src");

// folder -> folders it may import (besides itself). Arrows point down.
const ALLOWED = {
  lib: [],
  oci: ["lib"],
  metadata: ["lib"],
  content: ["lib", "oci", "metadata"],
  diff: ["lib", "oci"],
  snapshot: ["lib", "metadata", "diff"],
  image: ["lib", "oci", "content", "snapshot", "diff", "metadata"],
  runtime: ["lib", "oci"],
  volume: ["lib", "metadata"],
  container: ["lib", "oci", "metadata"],
  network: ["lib", "oci", "metadata"],
  build: ["lib", "oci", "metadata", "diff"],
  "registry/client": ["lib", "oci", "content"],
  "registry/server": ["lib", "oci", "content"],
  "api/types": [],
  "api/server": ["lib", "api/types"],
  client: ["lib", "api/types"],
  // `berth registry serve` runs the registry server in the CLI's process.
  cli: ["lib", "api/types", "client", "registry/server"],
  daemon: [
    "lib",
    "oci",
    "content",
    "snapshot",
    "diff",
    "image",
    "metadata",
    "runtime",
    "volume",
    "container",
    "network",
    "build",
    "registry/client",
    "api/types",
    "api/server",
  ],
};

function walk(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : path.endsWith(".ts") ? [path] : [];
  });
}

function folderOf(file) {
  const rel = relative(SRC, file).split("/");
  return rel[0] === "api" || rel[0] === "registry" ? `${rel[0]}/${rel[1]}` : rel[0];
}

const files = walk(SRC);
const problems = [];
const graph = new Map();
const importRe =
  /(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g;

for (const file of files) {
  const source = readFileSync(file, "utf8");
  const from = folderOf(file);
  const edges = [];
  for (const m of source.matchAll(importRe)) {
    const spec = m[1] ?? m[2];
    if (!spec.startsWith(".")) continue;
    const target = resolve(dirname(file), spec);
    const to = folderOf(target);
    if (!file.endsWith(".test.ts") && /^\s*import\s+type\b/.test(m[0].trim()) === false) edges.push(target);
    if (to === from) continue;
    if (!(from in ALLOWED)) problems.push(`${relative(".", file)}: folder '${from}' has no entry in ALLOWED`);
    else if (!ALLOWED[from].includes(to))
      problems.push(`${relative(".", file)}: '${from}' may not import '${to}' (${spec})`);
    const publicSurface = to.startsWith("api/") ? join(SRC, to, "index.ts") : join(SRC, to, "index.ts");
    if (target !== publicSurface && target !== publicSurface.replace(/\.ts$/, "")) {
      problems.push(`${relative(".", file)}: import another folder only through its index.ts (${spec})`);
    }
  }
  graph.set(file, edges);
}

// Cycle detection over value imports (type-only imports vanish at run time).
const state = new Map();
const stack = [];
function visit(node) {
  state.set(node, "open");
  stack.push(node);
  for (const next of graph.get(node) ?? []) {
    if (state.get(next) === "open") {
      const cycle = stack
        .slice(stack.indexOf(next))
        .concat(next)
        .map((f) => relative(".", f));
      problems.push(`import cycle: ${cycle.join(" -> ")}`);
    } else if (!state.has(next) && graph.has(next)) visit(next);
  }
  stack.pop();
  state.set(node, "done");
}
for (const file of graph.keys()) if (!state.has(file)) visit(file);

if (problems.length > 0) {
  console.error(problems.join("\n"));
  process.exit(1);
}
console.log(`layers ok: ${files.length} files`);

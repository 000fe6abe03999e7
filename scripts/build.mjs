// Bundles the daemon, the CLI and the layer worker into dist/ with esbuild.
// Native modules (better-sqlite3, our addon) stay outside the bundle and load at run time.
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { build } from "esbuild";

const { version } = JSON.parse(readFileSync("package.json", "utf8"));
let commit = "unknown";
try {
  commit = execFileSync("git", ["rev-parse", "--short", "HEAD"], { encoding: "utf8" }).trim();
} catch {
  // not a git checkout
}

const common = {
  bundle: true,
  platform: "node",
  target: "node20",
  format: "esm",
  sourcemap: "linked",
  external: ["better-sqlite3"],
  // ESM bundles lack require(); a few CommonJS dependencies need it.
  banner: {
    js: "import { createRequire as __berthRequire } from 'node:module'; const require = __berthRequire(import.meta.url);",
  },
  logLevel: "warning",
  // Version facts are baked in; the code reads them as process.env.BERTH_* when run from source.
  define: {
    "process.env.BERTH_VERSION": JSON.stringify(version),
    "process.env.BERTH_COMMIT": JSON.stringify(commit),
    "process.env.BERTH_BUILD_TIME": JSON.stringify(new Date().toISOString()),
  },
};

// `berth registry serve` loads the registry server with import(); it gets its own file so that the
// CLI's bundle (parsed on every berth start) does not grow by it.
const registryServerSplit = {
  name: "registry-server-split",
  setup(b) {
    b.onResolve({ filter: /registry\/server\/index\.ts$/ }, (args) =>
      /registry-(serve|gc)\.ts$/.test(args.importer)
        ? { path: "./registry-server.mjs", external: true }
        : undefined,
    );
  },
};

await build({
  ...common,
  plugins: [registryServerSplit],
  entryPoints: {
    berthd: "src/daemon/main.ts",
    "layer-worker": "src/diff/layer-worker.ts",
    "registry-server": "src/registry/server/index.ts",
  },
  outdir: "dist",
  outExtension: { ".js": ".mjs" },
});

// The CLI is a CommonJS-shaped script that bin/berth compiles with vm.Script and a V8 code cache
// (Node 20 has no code cache for ES modules): see scripts/cli-code-cache.mjs.
await build({
  ...common,
  format: "cjs",
  banner: {},
  // Parameters of the wrapper function bin/berth compiles the bundle in.
  define: { ...common.define, "import.meta.url": "__berthImportMetaUrl" },
  plugins: [registryServerSplit],
  entryPoints: { berth: "src/cli/main.ts" },
  outdir: "dist",
  outExtension: { ".js": ".cjs" },
});
// A script compiled from a code cache cannot import() in Node 20: bin/berth passes the bundle an
// __berthImport(specifier) that imports relative to dist/ instead.
let cli = readFileSync("dist/berth.cjs", "utf8");
// Node built-ins load on first use, not at start-up: `berth run` needs neither node:crypto nor
// node:child_process, and loading every built-in the commands use was a third of its start-up.
// esbuild's CommonJS output reads an import only as `import_x.name` when it is used, so bin/berth's
// __berthLazy(id), a proxy that require()s on the first property read, stands in for the module.
const builtinRequire = /^var (import_[\w$]+) = require\("(node:[\w/]+)"\);$/gm;
for (const [, name] of cli.matchAll(builtinRequire)) {
  if (new RegExp(`\\b${name.replaceAll("$", "\\$")}\\b(?![.\\w$])`).test(cli.replace(builtinRequire, "")))
    throw new Error(`dist/berth.cjs: ${name} is used other than as ${name}.member`);
}
cli = cli.replace(builtinRequire, 'var $1 = __berthLazy("$2");');
const imports = cli.split('import("./registry-server.mjs")');
if (imports.length !== 3 || /\bimport\(/.test(imports.join("")))
  throw new Error("dist/berth.cjs: expected exactly two import() calls, of ./registry-server.mjs");
writeFileSync("dist/berth.cjs", imports.join('__berthImport("./registry-server.mjs")'));
await import("./cli-code-cache.mjs");

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
// (Node 20 has no code cache for ES modules): see scripts/cli-code-cache.mjs. Two of them: the
// whole CLI, and `berth exec` alone (bin/berth runs that one for `berth exec`: its start-up is
// most of the command's time, and reading and compiling every command is part of it).
const cliBundles = {
  berth: "src/cli/main.ts",
  "berth-exec": "src/cli/exec-main.ts",
  // `berth run` alone, for the same reason.
  "berth-run": "src/cli/run-main.ts",
};
await build({
  ...common,
  format: "cjs",
  banner: {},
  // Parameters of the wrapper function bin/berth compiles the bundle in.
  define: { ...common.define, "import.meta.url": "__berthImportMeta.url" },
  plugins: [registryServerSplit],
  entryPoints: cliBundles,
  outdir: "dist",
  outExtension: { ".js": ".cjs" },
});
for (const name of Object.keys(cliBundles)) {
  const file = `dist/${name}.cjs`;
  // A script compiled from a code cache cannot import() in Node 20: bin/berth passes the bundle an
  // __berthImport(specifier) that imports relative to dist/ instead.
  let cli = readFileSync(file, "utf8");
  // Node built-ins load on first use, not at start-up: `berth run` needs neither node:crypto nor
  // node:child_process, and loading every built-in the commands use was a third of its start-up.
  // esbuild's CommonJS output reads an import only as `import_x.name` when it is used, so bin/berth's
  // __berthLazy(id), a proxy that require()s on the first property read, stands in for the module.
  const builtinRequire = /^var (import_[\w$]+) = require\("(node:[\w/]+)"\);$/gm;
  for (const [, binding] of cli.matchAll(builtinRequire)) {
    if (
      new RegExp(`\\b${binding.replaceAll("$", "\\$")}\\b(?![.\\w$])`).test(cli.replace(builtinRequire, ""))
    )
      throw new Error(`${file}: ${binding} is used other than as ${binding}.member`);
  }
  cli = cli.replace(builtinRequire, 'var $1 = __berthLazy("$2");');
  const imports = cli.split('import("./registry-server.mjs")');
  if (/\bimport\(/.test(imports.join("")) || (name === "berth" && imports.length !== 3))
    throw new Error(`${file}: expected no import() calls other than berth's two of ./registry-server.mjs`);
  writeFileSync(file, imports.join('__berthImport("./registry-server.mjs")'));
}
await import("./cli-code-cache.mjs");

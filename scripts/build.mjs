// Bundles the daemon, the CLI and the layer worker into dist/ with esbuild.
// Native modules (better-sqlite3, our addon) stay outside the bundle and load at run time.
import { build } from "esbuild";

const common = {
  bundle: true,
  platform: "node",
  target: "node20",
  format: "esm",
  sourcemap: "linked",
  external: ["better-sqlite3"],
  // ESM bundles lack require(); a few CommonJS dependencies need it.
  banner: { js: "import { createRequire as __berthRequire } from 'node:module'; const require = __berthRequire(import.meta.url);" },
  logLevel: "warning",
};

await build({
  ...common,
  entryPoints: {
    berthd: "src/daemon/main.ts",
    berth: "src/cli/main.ts",
    "layer-worker": "src/diff/layer-worker.ts",
  },
  outdir: "dist",
  outExtension: { ".js": ".mjs" },
});

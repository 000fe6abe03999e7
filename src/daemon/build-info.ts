// Version facts baked in by scripts/build.mjs (esbuild `define`); "dev" when run from source.
export const BERTH_VERSION = process.env.BERTH_VERSION ?? "0.1.0-dev";
export const BERTH_COMMIT = process.env.BERTH_COMMIT ?? "dev";
export const BUILD_TIME = process.env.BERTH_BUILD_TIME ?? new Date(0).toISOString();

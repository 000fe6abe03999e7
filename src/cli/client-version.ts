// berth's version, baked in at build time (scripts/build.mjs); from source, BERTH_VERSION.
export const CLIENT_VERSION = process.env.BERTH_VERSION ?? "0.1.0-dev";

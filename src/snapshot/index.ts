export * from "./overlay-snapshotter.ts";

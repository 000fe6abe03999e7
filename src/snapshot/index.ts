// Overlay snapshots of image layers, keyed by chain ID, and the mounts that stack them.
export type {
  FillSnapshot,
  OverlaySnapshotterOptions,
  ReconcileReport,
  Scratch,
  SnapshotInfo,
} from "./overlay-snapshotter.ts";
export { OverlaySnapshotter } from "./overlay-snapshotter.ts";
export type { OverlayMount, UnmountOptions } from "./overlay-mount.ts";
export { mountOverlay, unmount } from "./overlay-mount.ts";

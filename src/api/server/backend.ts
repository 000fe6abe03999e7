// The narrow interfaces routes need from the daemon. api/server never imports daemon; the
// daemon implements these (moby's router/*/backend.go pattern).
import type { Readable } from "node:stream";
import type {
  ImageDeleteItem,
  ImageHistoryItem,
  ImageInspect,
  ImagePruneReport,
  ImageSummary,
  JsonMessage,
  SystemDataUsage,
  SystemInfo,
  SystemVersion,
} from "../types/index.ts";
import type { Filters } from "./filters.ts";

export interface SystemBackend {
  version(): Promise<SystemVersion>;
  info(): Promise<SystemInfo>;
  dataUsage(types: ReadonlySet<string>): Promise<SystemDataUsage>;
}

export interface ImageListOptions {
  all: boolean;
  digests: boolean;
  filters: Filters;
}

export interface ImportOptions {
  repo: string;
  tag: string;
  changes: string[];
  message: string;
  platform: string;
}

export type ProgressSink = (message: JsonMessage) => void;

export interface ImageBackend {
  listImages(options: ImageListOptions): Promise<ImageSummary[]>;
  inspectImage(name: string): Promise<ImageInspect>;
  imageHistory(name: string): Promise<ImageHistoryItem[]>;
  tagImage(name: string, repo: string, tag: string): Promise<void>;
  removeImage(name: string, force: boolean, prune: boolean): Promise<ImageDeleteItem[]>;
  pruneImages(filters: Filters): Promise<ImagePruneReport>;
  loadImages(archive: Readable, progress: ProgressSink): Promise<void>;
  /** Resolves every name first (so a bad name fails before any byte is sent), then streams. */
  saveImages(names: string[]): Promise<Readable>;
  importImage(source: Readable, options: ImportOptions, progress: ProgressSink): Promise<void>;
}

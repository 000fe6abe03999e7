// Wire shapes of the image endpoints (swagger.yaml ImageSummary, ImageInspect, HistoryResponseItem,
// ImageDeleteResponseItem, ImagePruneResponse). PascalCase lives only in src/api/types.
import type { ContainerConfig } from "./container.ts";

export interface ImageSummary {
  Id: string;
  ParentId: string;
  RepoTags: string[];
  RepoDigests: string[];
  Created: number;
  Size: number;
  SharedSize: number;
  VirtualSize?: number;
  Labels: Record<string, string>;
  Containers: number;
}

export interface ImageInspect {
  Id: string;
  RepoTags: string[];
  RepoDigests: string[];
  Parent: string;
  Comment: string;
  Created: string;
  DockerVersion: string;
  Author: string;
  /** An image's config has the shape of a container's (swagger ImageConfig is its subset). */
  Config: ContainerConfig;
  Architecture: string;
  Variant?: string;
  Os: string;
  OsVersion?: string;
  Size: number;
  VirtualSize?: number;
  GraphDriver: { Name: string; Data: Record<string, string> };
  RootFS: { Type: string; Layers: string[] };
  Metadata: { LastTagTime: string };
}

export interface ImageHistoryItem {
  Id: string;
  Created: number;
  CreatedBy: string;
  Tags: string[];
  Size: number;
  Comment: string;
}

export interface ImageDeleteItem {
  Untagged?: string;
  Deleted?: string;
}

export interface ImagePruneReport {
  ImagesDeleted: ImageDeleteItem[] | null;
  SpaceReclaimed: number;
}

export interface SystemDataUsage {
  LayersSize: number;
  Images: ImageSummary[];
  Containers: unknown[];
  Volumes: unknown[];
  BuildCache: unknown[];
}

/** One message of a JSON progress stream (docker's jsonmessage.JSONMessage). */
export interface JsonMessage {
  stream?: string;
  status?: string;
  id?: string;
  progress?: string;
  progressDetail?: { current?: number; total?: number };
  error?: string;
  errorDetail?: { code?: number; message: string };
  aux?: Record<string, unknown>;
}

// Wire shapes of the volume endpoints (swagger.yaml Volume, VolumeListResponse,
// VolumeCreateOptions, VolumePruneResponse).

export interface VolumeUsageData {
  Size: number;
  RefCount: number;
}

export interface Volume {
  Name: string;
  Driver: string;
  Mountpoint: string;
  CreatedAt?: string;
  Status?: Record<string, unknown>;
  Labels: Record<string, string>;
  Scope: "local" | "global";
  Options: Record<string, string>;
  /** Only in /system/df. */
  UsageData?: VolumeUsageData | null;
}

export interface VolumeListResponse {
  Volumes: Volume[];
  Warnings: string[];
}

export interface VolumeCreateOptions {
  Name?: string;
  Driver?: string;
  DriverOpts?: Record<string, string> | null;
  Labels?: Record<string, string> | null;
}

export interface VolumePruneReport {
  VolumesDeleted: string[];
  SpaceReclaimed: number;
}

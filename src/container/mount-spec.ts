// HostConfig.Mounts (`--mount`) entries checked as moby's volume/mounts linux parser does, with
// its wording ("invalid mount config for type \"bind\": ..."), and turned into one planned mount
// shape shared with `-v` binds, anonymous volumes and --volumes-from.
import { invalidArgument } from "../lib/index.ts";
import { type BindSpec } from "./bind-spec.ts";

/** swagger Mount (the fields berth acts on). */
export interface MountRequest {
  Type?: string;
  Source?: string;
  Target?: string;
  ReadOnly?: boolean;
  BindOptions?: { Propagation?: string; NonRecursive?: boolean; CreateMountpoint?: boolean } | null;
  VolumeOptions?: {
    NoCopy?: boolean;
    Labels?: Record<string, string> | null;
    DriverConfig?: { Name?: string; Options?: Record<string, string> | null } | null;
  } | null;
  TmpfsOptions?: { SizeBytes?: number; Mode?: number } | null;
}

/** One mount of a container, whatever asked for it. */
export interface PlannedMount {
  type: "bind" | "volume" | "tmpfs";
  /** Host path (bind), volume name (volume), "" (tmpfs). */
  source: string;
  destination: string;
  readOnly: boolean;
  /** inspect's Mode ("ro", "rw" or ""). */
  mode: string;
  propagation?: string;
  nonRecursive?: boolean;
  /** Volumes: do not copy the image's content in. */
  noCopy?: boolean;
  /** Binds from -v create a missing host dir; --mount refuses it. */
  createHostPath?: boolean;
  /** Volumes created on first use with these (from --mount volume-opt / labels / driver). */
  volumeDriver?: string;
  volumeOptions?: Record<string, string>;
  volumeLabels?: Record<string, string>;
  /** tmpfs mount options ("size=...,mode=..."). */
  tmpfsOptions?: string;
}

const PROPAGATIONS = ["private", "rprivate", "shared", "rshared", "slave", "rslave"];

const mountError = (type: string, why: string): Error =>
  invalidArgument("INVALID_MOUNT_CONFIG", `invalid mount config for type "${type}": ${why}`);

/** Checks a --mount entry without looking at the host (existence is checked by `mountFromRequest`). */
export function parseMountRequest(m: MountRequest): PlannedMount {
  const type = (m.Type ?? "") as PlannedMount["type"];
  const target = m.Target ?? "";
  const source = m.Source ?? "";
  if (!["bind", "volume", "tmpfs"].includes(type)) throw mountError(type, "mount type unknown");
  if (target === "") throw mountError(type, "field Target must not be empty");
  if (!target.startsWith("/"))
    throw mountError(type, `invalid mount path: '${target}' mount path must be absolute`);
  if (target === "/")
    throw invalidArgument("INVALID_MOUNT_CONFIG", "invalid specification: destination can't be '/'");
  const readOnly = m.ReadOnly === true;
  if (type === "bind") {
    if (m.VolumeOptions) throw mountError(type, "field VolumeOptions must not be specified");
    if (m.TmpfsOptions) throw mountError(type, "field TmpfsOptions must not be specified");
    if (source === "") throw mountError(type, "field Source must not be empty");
    if (!source.startsWith("/"))
      throw mountError(type, `invalid mount path: '${source}' mount path must be absolute`);
    const propagation = m.BindOptions?.Propagation || undefined;
    if (propagation !== undefined && !PROPAGATIONS.includes(propagation))
      throw mountError(type, `invalid propagation mode: ${propagation}`);
    return {
      type,
      source,
      destination: target,
      readOnly,
      mode: "",
      propagation: propagation ?? "rprivate",
      ...(m.BindOptions?.NonRecursive ? { nonRecursive: true } : {}),
      ...(m.BindOptions?.CreateMountpoint ? { createHostPath: true } : {}),
    };
  }
  if (type === "volume") {
    if (m.BindOptions) throw mountError(type, "field BindOptions must not be specified");
    if (m.TmpfsOptions) throw mountError(type, "field TmpfsOptions must not be specified");
    const v = m.VolumeOptions ?? {};
    return {
      type,
      source,
      destination: target,
      readOnly,
      mode: "",
      ...(v.NoCopy ? { noCopy: true } : {}),
      ...(v.DriverConfig?.Name ? { volumeDriver: v.DriverConfig.Name } : {}),
      ...(v.DriverConfig?.Options ? { volumeOptions: { ...v.DriverConfig.Options } } : {}),
      ...(v.Labels ? { volumeLabels: { ...v.Labels } } : {}),
    };
  }
  if (source !== "") throw mountError(type, "field Source must not be specified");
  if (m.BindOptions) throw mountError(type, "field BindOptions must not be specified");
  if (m.VolumeOptions) throw mountError(type, "field VolumeOptions must not be specified");
  const t = m.TmpfsOptions ?? {};
  if (t.SizeBytes !== undefined && t.SizeBytes < 0) throw mountError(type, "invalid tmpfs size");
  const options = [
    ...(t.SizeBytes ? [`size=${Math.ceil(t.SizeBytes / 1024)}k`] : []),
    ...(t.Mode ? [`mode=${t.Mode.toString(8)}`] : []),
    ...(readOnly ? ["ro"] : []),
  ];
  return { type, source: "", destination: target, readOnly, mode: "", tmpfsOptions: options.join(",") };
}

/** A `-v` bind as a planned mount (host dirs created when missing, as docker run -v does). */
export function mountFromBind(spec: BindSpec): PlannedMount {
  const mode = spec.readOnly ? "ro" : "";
  if (spec.isVolume) {
    return {
      type: "volume",
      source: spec.source,
      destination: spec.destination,
      readOnly: spec.readOnly,
      mode,
    };
  }
  return {
    type: "bind",
    source: spec.source,
    destination: spec.destination,
    readOnly: spec.readOnly,
    mode,
    propagation: spec.propagation ?? "rprivate",
    createHostPath: true,
  };
}

/** `--volumes-from ctr[:ro|rw]`: the container reference and the mode forced on its mounts. */
export function parseVolumesFrom(spec: string): { container: string; mode?: "ro" | "rw" } {
  const colon = spec.lastIndexOf(":");
  if (colon <= 0) return { container: spec };
  const mode = spec.slice(colon + 1);
  if (mode !== "ro" && mode !== "rw")
    throw invalidArgument("INVALID_VOLUMES_FROM", `invalid mode for volumes-from: ${mode}`);
  return { container: spec.slice(0, colon), mode };
}

/** moby's "Duplicate mount point" check over the explicitly requested mounts. */
export function checkDuplicates(mounts: readonly PlannedMount[]): void {
  const seen = new Set<string>();
  for (const m of mounts) {
    const dest = m.destination.replace(/\/+$/, "") || "/";
    if (seen.has(dest)) throw invalidArgument("DUPLICATE_MOUNT_POINT", `Duplicate mount point: ${dest}`);
    seen.add(dest);
  }
}

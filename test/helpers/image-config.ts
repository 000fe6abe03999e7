// Image configuration (OCI config.md / Docker image JSON) for fixture images, plus the
// identifiers derived from it: ChainIDs and normalised references.
import { sha256Digest } from "./file-digest.ts";

export interface HistoryEntry {
  created?: string;
  created_by?: string;
  author?: string;
  comment?: string;
  empty_layer?: boolean;
}

/** The container defaults in an image config (`config` key); PascalCase as on the wire. */
export interface ContainerConfig {
  User?: string;
  ExposedPorts?: Record<string, Record<string, never>>;
  Env?: string[];
  Entrypoint?: string[];
  Cmd?: string[];
  Volumes?: Record<string, Record<string, never>>;
  WorkingDir?: string;
  Labels?: Record<string, string>;
  StopSignal?: string;
  ArgsEscaped?: boolean;
  Healthcheck?: {
    Test?: string[];
    Interval?: number;
    Timeout?: number;
    StartPeriod?: number;
    Retries?: number;
  };
  OnBuild?: string[] | null;
  [extra: string]: unknown;
}

export interface ImageConfig {
  created?: string;
  author?: string;
  architecture: string;
  os: string;
  variant?: string;
  config?: ContainerConfig;
  rootfs: { type: string; diff_ids: string[] };
  history?: HistoryEntry[];
  [extra: string]: unknown;
}

/** What a test may set; every field left out gets a sensible default. */
export type ImageConfigInput = Partial<ImageConfig>;

export const DEFAULT_CREATED = "2024-01-01T00:00:00Z";
export const DEFAULT_PATH_ENV = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

// Node's process.arch names -> GOARCH names, which OCI platforms use.
const GOARCH: Record<string, string> = {
  x64: "amd64",
  arm64: "arm64",
  arm: "arm",
  ia32: "386",
  ppc64: "ppc64le",
  s390x: "s390x",
  riscv64: "riscv64",
  loong64: "loong64",
  mips: "mips",
  mipsel: "mipsle",
};

export interface Platform {
  architecture: string;
  os: string;
  variant?: string;
}

/** The host's platform in OCI terms (amd64, not x64). */
export function hostPlatform(): Platform {
  const architecture = GOARCH[process.arch] ?? process.arch;
  return architecture === "arm64"
    ? { architecture, os: "linux", variant: "v8" }
    : { architecture, os: "linux" };
}

/**
 * Builds an image config for layers with the given DiffIDs. `input.config`, `history` and
 * `rootfs` replace the defaults wholesale (so a test can write wrong diff_ids on purpose).
 */
export function buildImageConfig(
  diffIds: string[],
  input: ImageConfigInput = {},
  createdBy: (string | undefined)[] = [],
): ImageConfig {
  const created = input.created ?? DEFAULT_CREATED;
  return {
    ...hostPlatform(),
    created,
    config: { Env: [DEFAULT_PATH_ENV], Cmd: ["/bin/sh"] },
    ...input,
    rootfs: input.rootfs ?? { type: "layers", diff_ids: diffIds },
    history:
      input.history ??
      diffIds.map((_, i) => ({
        created,
        created_by: createdBy[i] ?? `/bin/sh -c #(nop) ADD fixture-layer-${i} / `,
      })),
  };
}

/** platform fields of a config, for descriptors. */
export function configPlatform(config: ImageConfig): Platform {
  const platform: Platform = { architecture: config.architecture, os: config.os };
  if (config.variant !== undefined) platform.variant = config.variant;
  return platform;
}

/** ChainID of each prefix of a layer stack (OCI config.md "Layer ChainID"). */
export function chainIds(diffIds: string[]): string[] {
  const out: string[] = [];
  for (const diffId of diffIds) {
    const previous = out[out.length - 1];
    out.push(previous === undefined ? diffId : sha256Digest(`${previous} ${diffId}`));
  }
  return out;
}

export interface ParsedRef {
  /** `busybox`, `example.com/app` */
  familiarName: string;
  tag: string;
  /** `docker.io/library/busybox:latest` */
  fullName: string;
}

/** Splits `name[:tag]` the way Docker normalises names (docker.io, library/). */
export function parseRepoTag(ref: string): ParsedRef {
  const slash = ref.lastIndexOf("/");
  const colon = ref.lastIndexOf(":");
  const hasTag = colon > slash;
  const name = hasTag ? ref.slice(0, colon) : ref;
  const tag = hasTag ? ref.slice(colon + 1) : "latest";
  const first = name.split("/")[0] ?? "";
  const hasDomain =
    name.includes("/") && (first.includes(".") || first.includes(":") || first === "localhost");
  let full = hasDomain ? name : `docker.io/${name.includes("/") ? name : `library/${name}`}`;
  if (full.startsWith("docker.io/") && !full.slice("docker.io/".length).includes("/")) {
    full = `docker.io/library/${full.slice("docker.io/".length)}`;
  }
  const familiarName = full.replace(/^docker\.io\/(library\/)?/, "");
  return { familiarName, tag, fullName: `${full}:${tag}` };
}

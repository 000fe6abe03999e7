// The builder's shared vocabulary: what a build needs of the daemon (BuildDeps), what a step
// works with (StepContext), what a step yields (Built), and the build-stream message shape.
import type { IgnoreMatcher, Instruction, StageState } from "../build/index.ts";
import type { ImageRecord, ImageService } from "../image/index.ts";
import { EngineError, type Logger } from "../lib/index.ts";
import type { ImageConfig, ImageRunConfig } from "../oci/index.ts";
import type { BuildRequest } from "../api/server/index.ts";
import type { BuildCacheStore } from "./build-cache-store.ts";

/** What a build asks for: the route's parsed request (POST /build query parameters). */
export type BuildOptions = BuildRequest;

/** One JSON message of the build stream (dockerd's jsonmessage fields the builder uses). */
export interface BuildMessage {
  stream?: string;
  status?: string;
  progress?: string;
  progressDetail?: { current?: number; total?: number };
  aux?: Record<string, unknown>;
  id?: string;
}

/** What the builder needs of the container side of the daemon (no HTTP in between). */
export interface BuildContainers {
  create(request: Record<string, unknown>): Promise<string>;
  /** Starts and resolves with the exit code; output chunks (demuxed) go to `output`. */
  run(id: string, output: (text: string) => void, signal?: AbortSignal): Promise<number>;
  upperDir(id: string): string;
  remove(id: string): Promise<void>;
}

export interface BuildDeps {
  root: string;
  images: ImageService;
  containers: BuildContainers;
  cache: BuildCacheStore;
  log: Logger;
  /** Pulls an image by reference (registry client); absent: missing base images fail. */
  pull?: (ref: string, platform: string, progress: (msg: BuildMessage) => void) => Promise<void>;
}

/** Label of the containers RUN steps use (only ever seen while a step runs). */
export const BUILD_CONTAINER_LABEL = "io.berth.build.step";

/** A step's result: the image it made (none yet for FROM scratch) and that image's config. */
export interface Built {
  image?: ImageRecord;
  config: ImageConfig;
}

export type BuildLease = ReturnType<ImageService["leases"]["acquire"]>;

/** What every step of one build shares. */
export interface StepContext {
  deps: BuildDeps;
  options: BuildOptions;
  ctxDir: string;
  ignore: IgnoreMatcher | undefined;
  escapeToken: string;
  stageRef: (ref: string) => number | undefined;
  built: Map<number, Built>;
  say: (text: string) => void;
  work: string;
  lease: BuildLease;
  /** Undo steps (unmounts) run when the build ends, before its work dir is removed. */
  cleanups: (() => Promise<void>)[];
  signal: AbortSignal | undefined;
}

/** A cached result for a step key (the cache, then --cache-from images), or undefined. */
export type TryCache = (key: string, createdBy: string, emptyLayer: boolean) => Promise<Built | undefined>;
/** Records a step's fresh result under its key and prints its id. */
export type Done = (b: Built, key: string) => Built;

/** One instruction being run: what each instruction's handler is given. */
export interface Step {
  ctx: StepContext;
  state: StageState;
  /** The image the step starts from. */
  current: Built;
  inst: Instruction;
  /** The stage's config before this instruction. */
  before: ImageRunConfig;
  tryCache: TryCache;
  done: Done;
}

/** A RUN step exited non-zero; the route reports its code in the error detail. */
export class StepFailed extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}

/** The client went away mid-build (Docker reports "context canceled"). */
export function canceled(): EngineError {
  return new EngineError("unavailable", "BUILD_CANCELED", "context canceled");
}

/** The 12-hex short id the build stream prints. */
export function short(id: string): string {
  return id.replace(/^sha256:/, "").slice(0, 12);
}

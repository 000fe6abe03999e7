// `POST /build` (classic builder, swagger "ImageBuild"): context upload → stages → one image per
// step. RUN runs as a real container through the daemon's container machinery (create from the
// current image config → start → wait → its upper dir becomes the step's layer); COPY/ADD write
// their layer directly; metadata instructions commit a config-only image. Each step is cached
// on (parent image, config, instruction after expansion, content of the files it reads).

import { spawn } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import {
  closeSync,
  openSync,
  readSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  type Stats,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { join, posix } from "node:path";
import type { Readable } from "node:stream";
import {
  applyConfigInstruction,
  cleanSource,
  commandLine,
  declareArgs,
  expandHeredoc,
  expandWord,
  IgnoreMatcher,
  type Instruction,
  lineError,
  parseDockerfile,
  parseDockerignore,
  parseInstruction,
  planCopy,
  planStages,
  type PathKind,
  runArgEnv,
  type Stage,
  type StageState,
  resolveInRoot,
  parseMount,
} from "../build/index.ts";
import { cleanContextPath, extractContext } from "./build-context.ts";
import { type TarWriteEntry, upperDirEntries, writeTar } from "../diff/index.ts";
import { mountOverlay, unmount } from "../snapshot/index.ts";
import type { ImageRecord, ImageService, LayerRecord } from "../image/index.ts";
import { EngineError, invalidArgument, type Logger, notFound } from "../lib/index.ts";
import {
  type HistoryEntry,
  hostPlatform,
  type ImageConfig,
  type ImageRunConfig,
  familiarString,
  MediaType,
  normalizedString,
  parseNormalizedReference,
  sha256Of,
} from "../oci/index.ts";
import type { BuildRequest } from "../api/server/index.ts";
import type { BuildCacheStore } from "./build-cache-store.ts";

/** What a build asks for: the route's parsed request (POST /build query parameters). */
export type BuildOptions = BuildRequest;

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

/** Where the runtime mounts things into every container (their mount points are not content). */
const RUNTIME_MOUNT_POINTS = [
  "/etc/hosts",
  "/etc/hostname",
  "/etc/resolv.conf",
  "/proc",
  "/sys",
  "/dev/pts",
  "/dev/shm",
  "/dev/mqueue",
  "/dev",
];

/** Label of the containers RUN steps use (only ever seen while a step runs). */
export const BUILD_CONTAINER_LABEL = "io.berth.build.step";

interface Built {
  image?: ImageRecord;
  config: ImageConfig;
}

class StepFailed extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}
export { StepFailed };

export async function buildImage(
  deps: BuildDeps,
  context: Readable,
  options: BuildOptions,
  emit: (msg: BuildMessage) => void,
  signal?: AbortSignal,
): Promise<string> {
  // Tags are checked before any work (moby sanitizeRepoAndTags): no digests, defaults to :latest.
  const tags = options.tags.map((t) => {
    const ref = parseNormalizedReference(t);
    if (ref.digest !== undefined)
      throw invalidArgument("BUILD_TAG_DIGEST", "build tag cannot contain a digest");
    return ref.tag === undefined ? { ...ref, tag: "latest" } : ref;
  });
  const work = mkdtempSync(join(deps.root, "tmp-build-"));
  const lease = deps.images.leases.acquire();
  const cleanups: (() => Promise<void>)[] = [];
  const say = (text: string): void => emit({ stream: text });
  try {
    const ctxDir = join(work, "context");
    mkdirSync(ctxDir);
    await extractContext(context, ctxDir);

    const dfPath = cleanContextPath(options.dockerfile || "Dockerfile");
    // Symlinks in the context resolve inside it (a Dockerfile -> /etc/shadow link reads nothing of the host).
    const dfFull = join(ctxDir, resolveInRoot(ctxDir, dfPath));
    if (!existsSync(dfFull) || !statSync(dfFull).isFile()) {
      throw invalidArgument(
        "BUILD_NO_DOCKERFILE",
        `Cannot locate specified Dockerfile: ${options.dockerfile || "Dockerfile"}`,
      );
    }
    const parsed = parseDockerfile(readFileSync(dfFull, "utf8"));
    const escapeToken = parsed.escapeToken;
    const plan = planStages(parsed.root);
    const ignoreFile = join(ctxDir, resolveInRoot(ctxDir, ".dockerignore"));
    const ignore = existsSync(ignoreFile)
      ? new IgnoreMatcher(parseDockerignore(readFileSync(ignoreFile, "utf8")))
      : undefined;

    // Meta ARGs: usable in FROM lines only (reference "Understand how ARG and FROM interact").
    const usedBuildArgs = new Set<string>();
    const metaArgs = new Map<string, string | undefined>();
    const metaState = (): StageState => ({
      config: {},
      args: metaArgs,
      buildArgs: options.buildArgs,
      usedBuildArgs,
      metaArgs,
    });
    // BuildKit's automatic platform ARGs (reference "Automatic platform ARGs in the global
    // scope"); a stage sees them after `ARG NAME` without a value.
    const host = hostPlatform();
    const platform = `linux/${host.architecture}${host.variant ? `/${host.variant}` : ""}`;
    for (const prefix of ["TARGET", "BUILD"]) {
      metaArgs.set(`${prefix}PLATFORM`, platform);
      metaArgs.set(`${prefix}OS`, "linux");
      metaArgs.set(`${prefix}ARCH`, host.architecture);
      metaArgs.set(`${prefix}VARIANT`, host.variant ?? "");
    }
    for (const a of plan.metaArgs) {
      declareArgs(metaArgs, a, options.buildArgs, usedBuildArgs, (w) =>
        expandWord(metaState(), a, w, escapeToken),
      );
    }

    // Which stage to stop at, and the stages it needs (only those are built).
    let last = plan.stages.length - 1;
    if (options.target !== "") {
      last = plan.stages.findIndex((s) => s.name === options.target.toLowerCase());
      if (last < 0)
        throw invalidArgument("BUILD_TARGET", `failed to reach build target ${options.target} in Dockerfile`);
    }
    const stageRef = (ref: string, before: number): number | undefined => {
      const lower = ref.toLowerCase();
      const byName = plan.stages.findIndex((s, i) => i < before && s.name === lower);
      if (byName >= 0) return byName;
      if (/^\d+$/.test(ref) && Number(ref) < before) return Number(ref);
      return undefined;
    };
    const baseNames = plan.stages.map((s) => expandWord(metaState(), s.from, s.baseName, escapeToken));
    // COPY --from and RUN --mount from= may name any stage (BuildKit builds it first); FROM only
    // an earlier one. Stages are built dependencies first; a loop is refused.
    const stageRefAny = (ref: string): number | undefined => {
      const byName = plan.stages.findIndex((s) => s.name === ref.toLowerCase());
      if (byName >= 0) return byName;
      if (/^\d+$/.test(ref) && Number(ref) < plan.stages.length) return Number(ref);
      return undefined;
    };
    const visited = new Set<number>();
    const visiting = new Set<number>();
    const order: number[] = [];
    const visit = (i: number): void => {
      if (visited.has(i)) return;
      const st = plan.stages[i] as Stage;
      if (visiting.has(i)) {
        throw invalidArgument(
          "BUILD_STAGE_CYCLE",
          `circular dependency detected on stage: ${st.name || String(i)}`,
        );
      }
      visiting.add(i);
      const base = stageRef(baseNames[i] ?? "", i);
      if (base !== undefined) visit(base);
      for (const c of st.commands) {
        const raw = c.flags.get("from")?.[0];
        // --from may use global ARGs (COPY --from=${BUILDER}); steps see them the same way.
        const from = raw === undefined ? undefined : expandWord(metaState(), c, raw, escapeToken);
        const dep = from === undefined ? undefined : stageRefAny(from);
        if (dep !== undefined) visit(dep);
        for (const m of c.flags.get("mount") ?? []) {
          const f = /(?:^|,)from=([^,]+)/.exec(m)?.[1];
          const mdep = f === undefined ? undefined : stageRefAny(f);
          if (mdep !== undefined) visit(mdep);
        }
      }
      visiting.delete(i);
      visited.add(i);
      order.push(i);
    };
    visit(last);
    const total = order.reduce((n, i) => n + 1 + (plan.stages[i]?.commands.length ?? 0), 0);
    let step = 0;
    const built = new Map<number, Built>();

    for (const index of order) {
      const stage = plan.stages[index] as Stage;
      const isFinal = index === last;
      step++;
      say(`Step ${step}/${total} : ${stage.from.original}\n`);
      const baseName = baseNames[index] ?? "";
      let current: Built;
      const fromStage = stageRef(baseName, index);
      if (fromStage !== undefined) {
        current = built.get(fromStage) as Built;
      } else if (baseName.toLowerCase() === "scratch") {
        const p = hostPlatform();
        current = {
          config: {
            architecture: p.architecture,
            os: "linux",
            ...(p.variant ? { variant: p.variant } : {}),
            config: {},
            rootfs: { type: "layers", diff_ids: [] },
            history: [],
          },
        };
      } else {
        let image = deps.images.find(baseName);
        // Missing base images are pulled (and --pull refreshes them) when the daemon can pull.
        if (deps.pull && (!image || options.pull)) {
          await deps.pull(baseName, stage.platform, (msg) => emit(msg));
          image = deps.images.find(baseName);
        }
        if (!image) {
          const repo = baseName.replace(/:[^/:]*$/, "").replace(/@.*$/, "");
          throw notFound(
            "BUILD_BASE_MISSING",
            `pull access denied for ${repo}, repository does not exist or may require 'docker login': denied: requested access to the resource is denied`,
          );
        }
        current = { image, config: await deps.images.config(image.id) };
      }
      say(current.image ? ` ---> ${short(current.image.id)}\n` : " ---> \n");
      const state: StageState = {
        config: structuredClone(current.config.config ?? {}),
        args: new Map(),
        buildArgs: options.buildArgs,
        usedBuildArgs,
        metaArgs,
      };
      if (isFinal && Object.keys(options.labels).length > 0) {
        state.config.Labels = { ...(state.config.Labels ?? {}), ...options.labels };
      }
      // ONBUILD triggers of the base run first (reference "ONBUILD").
      const triggers = (state.config.OnBuild ?? []).map((t) => {
        const n = parseDockerfile(t).root.children[0];
        if (!n) throw invalidArgument("BUILD_ONBUILD", `invalid ONBUILD trigger: ${t}`);
        return parseInstruction({ ...n, startLine: stage.from.line });
      });
      delete state.config.OnBuild;
      if (triggers.length > 0)
        say(`# Executing ${triggers.length} build trigger${triggers.length > 1 ? "s" : ""}\n`);
      const ctx: StepContext = {
        deps,
        options,
        ctxDir,
        ignore,
        escapeToken,
        stageRef: stageRefAny,
        built,
        say,
        work,
        lease,
        cleanups,
        signal,
      };
      for (const t of triggers) current = await runStep(ctx, state, current, t);
      for (const inst of stage.commands) {
        step++;
        say(`Step ${step}/${total} : ${inst.original}\n`);
        current = await runStep(ctx, state, current, inst);
      }
      // A stage that is nothing but FROM still yields its base as the result.
      built.set(index, current);
    }

    const result = built.get(last) as Built;
    if (!result.image) {
      // FROM scratch with no step: Docker refuses to produce an empty image (moby builder.go).
      throw invalidArgument("BUILD_NO_IMAGE", "No image was generated. Is your Dockerfile empty?");
    }
    const id = (result.image as ImageRecord).id;
    const unused = [...options.buildArgs.keys()].filter(
      (k) =>
        !usedBuildArgs.has(k) &&
        ![
          "HTTP_PROXY",
          "http_proxy",
          "HTTPS_PROXY",
          "https_proxy",
          "FTP_PROXY",
          "ftp_proxy",
          "NO_PROXY",
          "no_proxy",
          "ALL_PROXY",
          "all_proxy",
        ].includes(k),
    );
    if (unused.length > 0) say(`[Warning] One or more build-args [${unused.join(" ")}] were not consumed\n`);
    emit({ id: "moby.image.id", aux: { ID: id } });
    say(`Successfully built ${short(id)}\n`);
    for (const tag of tags) {
      await deps.images.tag(id, normalizedString(tag, true));
      say(`Successfully tagged ${familiarString(tag)}\n`);
    }
    return id;
  } finally {
    lease.release();
    let unmounted = true;
    for (const undo of cleanups.reverse()) {
      await undo().catch((err: unknown) => {
        unmounted = false;
        deps.log.warn("build: unmounting an image view", { err });
      });
    }
    // Never recurse into a view that is still mounted; a restart cleans it up instead.
    if (unmounted) rmSync(work, { recursive: true, force: true });
  }
}

interface StepContext {
  deps: BuildDeps;
  options: BuildOptions;
  ctxDir: string;
  ignore: IgnoreMatcher | undefined;
  escapeToken: string;
  stageRef: (ref: string) => number | undefined;
  built: Map<number, Built>;
  say: (text: string) => void;
  work: string;
  lease: ReturnType<ImageService["leases"]["acquire"]>;
  /** Undo steps (unmounts) run when the build ends, before its work dir is removed. */
  cleanups: (() => Promise<void>)[];
  signal: AbortSignal | undefined;
}

/** The client went away mid-build (Docker reports "context canceled"). */
function canceled(): EngineError {
  return new EngineError("unavailable", "BUILD_CANCELED", "context canceled");
}

function short(id: string): string {
  return id.replace(/^sha256:/, "").slice(0, 12);
}

interface ImageFs {
  /** The kind of what is at `abs`, symlinks followed (COPY's destination rules). */
  lookup(abs: string): PathKind | undefined;
  /** `abs` with every symlink resolved inside the image's root, as COPY resolves its destination. */
  resolve(abs: string): string;
}

/** A read-only view of an image's merged filesystem over its snapshot dirs (top layer first). */
function imageFs(deps: BuildDeps, image: ImageRecord | undefined): ImageFs {
  const top = image?.layers.at(-1)?.chainId;
  const lowers = top === undefined ? [] : deps.images.snapshots.lowerDirs(top);
  // The topmost entry for an already-resolved path; a whiteout (char 0/0) or a non-directory at a
  // parent in a higher layer hides what lower layers hold there.
  const statTop = (abs: string): { dir: string; st: Stats } | undefined => {
    const parts = abs.split("/").filter(Boolean);
    for (const dir of lowers) {
      for (let i = 1; i < parts.length; i++) {
        try {
          if (!lstatSync(join(dir, ...parts.slice(0, i))).isDirectory()) return undefined;
        } catch {
          /* this layer has nothing there */
        }
      }
      try {
        const st = lstatSync(join(dir, ...parts));
        if (st.isCharacterDevice() && st.rdev === 0) return undefined;
        return { dir, st };
      } catch {
        /* not in this layer */
      }
    }
    return undefined;
  };
  const resolve = (abs: string): string => {
    let resolved = "/";
    const queue = abs.split("/").filter(Boolean);
    let hops = 0;
    while (queue.length > 0) {
      const name = queue.shift() ?? "";
      if (name === ".") continue;
      if (name === "..") {
        resolved = posix.dirname(resolved);
        continue;
      }
      const candidate = posix.join(resolved, name);
      const hit = statTop(candidate);
      if (hit?.st.isSymbolicLink() && hops++ < 40) {
        const target = readlinkSync(join(hit.dir, candidate));
        if (target.startsWith("/")) resolved = "/";
        queue.unshift(...target.split("/").filter(Boolean));
        continue;
      }
      resolved = candidate;
    }
    return resolved;
  };
  return {
    resolve,
    lookup(abs) {
      const st = statTop(resolve(abs))?.st;
      if (!st) return undefined;
      return st.isDirectory() ? "dir" : st.isSymbolicLink() ? "symlink" : st.isFile() ? "file" : "other";
    },
  };
}

function imageLookup(deps: BuildDeps, image: ImageRecord | undefined): (abs: string) => PathKind | undefined {
  const fs = imageFs(deps, image);
  return (abs) => fs.lookup(abs);
}

function parseChown(
  spec: string,
  lookupFile: (abs: string) => string | undefined,
): { uid: number; gid: number } {
  if (spec === "") return { uid: 0, gid: 0 };
  const [user = "", group] = spec.split(":");
  const resolve = (name: string, file: string): number => {
    if (/^\d+$/.test(name)) return Number(name);
    const text = lookupFile(file) ?? "";
    for (const line of text.split("\n")) {
      const f = line.split(":");
      if (f[0] === name && f[2] !== undefined) return Number(f[2]);
    }
    throw invalidArgument(
      "BUILD_CHOWN",
      `unable to convert uid/gid chown string to host mapping: can't find uid for user ${name}: no such user: ${name}`,
    );
  };
  const uid = resolve(user, "/etc/passwd");
  let gid = uid;
  if (group !== undefined) gid = resolve(group, "/etc/group");
  else if (!/^\d+$/.test(user)) {
    const line = (lookupFile("/etc/passwd") ?? "").split("\n").find((l) => l.split(":")[0] === user);
    gid = Number(line?.split(":")[3] ?? uid);
  }
  return { uid, gid };
}

function readImageFile(deps: BuildDeps, image: ImageRecord | undefined): (abs: string) => string | undefined {
  const top = image?.layers.at(-1)?.chainId;
  const lowers = top === undefined ? [] : deps.images.snapshots.lowerDirs(top);
  return (abs) => {
    for (const dir of lowers) {
      try {
        return readFileSync(join(dir, abs), "utf8");
      } catch {
        /* next layer */
      }
    }
    return undefined;
  };
}

function cacheKey(parent: Built, config: ImageRunConfig, description: string, content = ""): string {
  return sha256Of(
    Buffer.from(JSON.stringify({ parent: parent.image?.id ?? "scratch", config, description, content })),
  );
}

async function runStep(
  ctx: StepContext,
  state: StageState,
  current: Built,
  inst: Instruction,
): Promise<Built> {
  const { deps, options, escapeToken, say } = ctx;
  if (ctx.signal?.aborted) throw canceled();
  const before = structuredClone(state.config);
  const tryCache = async (
    key: string,
    createdBy: string,
    emptyLayer: boolean,
  ): Promise<Built | undefined> => {
    if (options.noCache) return undefined;
    const hit = deps.cache.lookup(key);
    const image = hit === undefined ? undefined : deps.images.find(hit);
    if (!image) {
      const restored = await fromCacheSources(ctx, current, state.config, createdBy, emptyLayer);
      if (restored) {
        deps.cache.record(key, (restored.image as ImageRecord).id, inst.original);
        say(" ---> Using cache\n");
        say(` ---> ${short((restored.image as ImageRecord).id)}\n`);
      }
      return restored;
    }
    deps.cache.touch(key);
    say(" ---> Using cache\n");
    say(` ---> ${short(image.id)}\n`);
    return { image, config: await deps.images.config(image.id) };
  };
  const done = (b: Built, key: string): Built => {
    deps.cache.record(key, (b.image as ImageRecord).id, inst.original);
    say(` ---> ${short((b.image as ImageRecord).id)}\n`);
    return b;
  };

  switch (inst.name) {
    case "arg": {
      declareArgs(state.args, inst, options.buildArgs, state.usedBuildArgs, (w) =>
        expandWord(state, inst, w, escapeToken),
      );
      // Meta ARG defaults flow into a stage's ARG without a value (reference "ARG" scope rules).
      for (const word of inst.args) {
        const name = word.split("=")[0] ?? "";
        if (
          !word.includes("=") &&
          state.args.get(name) === undefined &&
          state.metaArgs.get(name) !== undefined
        ) {
          state.args.set(name, state.metaArgs.get(name));
        }
      }
      const text = `ARG ${inst.args.join(" ")}`;
      const key = cacheKey(current, before, text, JSON.stringify([...state.args]));
      const hit = await tryCache(key, `/bin/sh -c #(nop)  ${text}`, true);
      if (hit) return hit;
      return done(
        await commitImage(
          deps,
          ctx.lease,
          current,
          state.config,
          undefined,
          `/bin/sh -c #(nop)  ${text}`,
          true,
        ),
        key,
      );
    }
    case "run":
      return runRun(ctx, state, current, inst, before, tryCache, done);
    case "copy":
    case "add":
      return runCopy(ctx, state, current, inst, before, tryCache, done);
    case "from":
      throw lineError("FROM is not allowed here", inst.line);
    default: {
      const text = applyConfigInstruction(state, inst, escapeToken);
      // WORKDIR creates a missing directory, owned by root, as a layer (reference "WORKDIR").
      const mkdirs =
        inst.name === "workdir"
          ? missingDirs(imageLookup(deps, current.image), state.config.WorkingDir ?? "/")
          : [];
      const empty = mkdirs.length === 0;
      const key = cacheKey(current, before, text, mkdirs.join(":"));
      const hit = await tryCache(key, `/bin/sh -c #(nop)  ${text}`, empty);
      if (hit) {
        state.config = structuredClone(hit.config.config ?? {});
        return hit;
      }
      const entries: TarWriteEntry[] = mkdirs.map((d) => ({
        type: "directory",
        name: d.slice(1) + "/",
        mode: 0o755,
        uid: 0,
        gid: 0,
      }));
      return done(
        await commitImage(
          deps,
          ctx.lease,
          current,
          state.config,
          empty ? undefined : entries,
          `/bin/sh -c #(nop)  ${text}`,
          empty,
          state.maintainer,
        ),
        key,
      );
    }
  }
}

/** The directories of `abs` (and its parents) that the image lacks, outermost first. */
function missingDirs(lookup: (abs: string) => PathKind | undefined, abs: string): string[] {
  const parts = abs.split("/").filter(Boolean);
  const out: string[] = [];
  for (let i = 1; i <= parts.length; i++) {
    const p = "/" + parts.slice(0, i).join("/");
    if (lookup(p) === undefined) out.push(p);
  }
  return out;
}

type TryCache = (key: string, createdBy: string, emptyLayer: boolean) => Promise<Built | undefined>;

/**
 * --cache-from (moby image/cache): an image whose history and layers start like the parent's,
 * with the step's history entry next, gives the step's result without running it: its layers up
 * to there, under the config the build has at this step.
 */
async function fromCacheSources(
  ctx: StepContext,
  parent: Built,
  runConfig: ImageRunConfig,
  createdBy: string,
  emptyLayer: boolean,
): Promise<Built | undefined> {
  const { deps } = ctx;
  const history = parent.config.history ?? [];
  const diffs = parent.config.rootfs.diff_ids;
  for (const ref of ctx.options.cacheFrom) {
    const source = deps.images.find(ref);
    if (!source) continue;
    const cfg = await deps.images.config(source.id);
    const h = cfg.history ?? [];
    const next = h[history.length];
    if (next === undefined || next.created_by !== createdBy || (next.empty_layer === true) !== emptyLayer)
      continue;
    const sameHistory = history.every(
      (e, i) =>
        h[i]?.created_by === e.created_by && (h[i]?.empty_layer === true) === (e.empty_layer === true),
    );
    if (!sameHistory || !diffs.every((d, i) => cfg.rootfs.diff_ids[i] === d)) continue;
    const layer = emptyLayer ? undefined : source.layers[diffs.length];
    if (!emptyLayer && layer === undefined) continue;
    // The source's own last step: the source image itself is the result (as moby returns it).
    if (history.length === h.length - 1 && JSON.stringify(cfg.config ?? {}) === JSON.stringify(runConfig)) {
      return { image: source, config: cfg };
    }
    return commitImage(deps, ctx.lease, parent, runConfig, undefined, createdBy, emptyLayer, undefined, {
      ...(layer ? { layer } : {}),
      entry: next,
    });
  }
  return undefined;
}
type Done = (b: Built, key: string) => Built;

async function runCopy(
  ctx: StepContext,
  state: StageState,
  current: Built,
  inst: Instruction,
  before: ImageRunConfig,
  tryCache: TryCache,
  done: Done,
): Promise<Built> {
  const { deps, escapeToken } = ctx;
  const upper = inst.name.toUpperCase() as "COPY" | "ADD";
  const x = (w: string): string => expandWord(state, inst, w, escapeToken);
  const words = inst.args.map(x);
  const excludes = (inst.flags.get("exclude") ?? []).map(x);
  if (inst.flags.has("checksum") && !words.slice(0, -1).some((w) => /^https?:\/\//i.test(w))) {
    throw lineError("checksum can't be specified for non-HTTP(S) sources", inst.line);
  }
  const fs = imageFs(deps, current.image);
  const lookup = (abs: string): PathKind | undefined => fs.lookup(abs);
  // The destination resolves through symlinks inside the image (e.g. /bin -> usr/bin), so the
  // layer writes under the real directory instead of shadowing the link.
  const rawDest = words.at(-1) ?? "";
  const absDest = posix.resolve(state.config.WorkingDir || "/", rawDest);
  const dest = fs.resolve(absDest) + (rawDest.endsWith("/") || rawDest.endsWith("/.") ? "/" : "");
  const owner = parseChown(x(inst.flags.get("chown")?.[0] ?? ""), readImageFile(deps, current.image));
  const chmodText = inst.flags.get("chmod")?.[0];
  let chmod: number | undefined;
  if (chmodText !== undefined) {
    if (!/^[0-7]{3,4}$/.test(chmodText)) throw lineError(`invalid chmod parameter: ${chmodText}`, inst.line);
    chmod = parseInt(chmodText, 8);
  }
  let sourceRoot = ctx.ctxDir;
  let ignore = ctx.ignore;
  const from = inst.flags.get("from")?.[0];
  if (from !== undefined && inst.name === "copy") {
    // Global ARGs count here too (the stage graph was made with them).
    const scope: StageState = { ...state, args: new Map([...state.metaArgs, ...state.args]) };
    const ref = expandWord(scope, inst, from, escapeToken);
    const idx = ctx.stageRef(ref);
    const fromImage = idx !== undefined ? ctx.built.get(idx)?.image : deps.images.find(ref);
    if (idx === undefined && !fromImage) {
      throw notFound(
        "BUILD_COPY_FROM",
        `invalid from flag value ${ref}: pull access denied for ${ref}, repository does not exist or may require 'docker login'`,
      );
    }
    sourceRoot = await mountView(ctx, fromImage);
    ignore = undefined;
  }
  let sources = words.slice(0, -1);
  // Heredocs become files named by the delimiter (reference "Here-Documents").
  if (inst.heredocs.length > 0) {
    const hd = join(ctx.work, `heredoc-${randomBytes(4).toString("hex")}`);
    mkdirSync(hd);
    sources = [];
    for (const h of inst.heredocs) {
      const content = h.expand ? expandHeredoc(h.content, state, inst, escapeToken) : h.content;
      writeFileSync(join(hd, h.name), content, { mode: 0o644 });
      sources.push(h.name);
    }
    sources = sources.filter((s) => !s.startsWith("<<"));
    sourceRoot = hd;
    ignore = undefined;
  } else {
    for (const s of sources) {
      if (/^https?:\/\//i.test(s)) {
        if (inst.name === "copy") throw lineError(`source can't be a URL for COPY`, inst.line);
        throw invalidArgument(
          "BUILD_ADD_URL",
          `ADD failed: cannot download ${s}: this berthd has no network access to fetch remote sources`,
        );
      }
      if (/^git@|\.git(#.*)?$/.test(s) && inst.name === "add") {
        throw invalidArgument("BUILD_ADD_GIT", `ADD failed: cannot clone ${s}: no network access`);
      }
    }
  }
  // ADD auto-extracts local tar archives into the destination (reference "ADD" → "Adding local tar archives").
  let extracted: string | undefined;
  if (inst.name === "add" && inst.heredocs.length === 0) {
    const archives = sources.filter((s) =>
      isArchive(join(sourceRoot, resolveInRoot(sourceRoot, cleanSource(s, upper)))),
    );
    if (archives.length > 0) {
      extracted = join(ctx.work, `add-${randomBytes(4).toString("hex")}`);
      mkdirSync(extracted);
      for (const a of archives) {
        const src = join(sourceRoot, resolveInRoot(sourceRoot, cleanSource(a, upper)));
        const code = await runTool("tar", ["-x", "--no-same-owner", "-f", src, "-C", extracted]);
        if (code !== 0) throw invalidArgument("BUILD_ADD_ARCHIVE", `ADD failed: could not extract ${a}`);
      }
    }
  }
  const plan = await planCopy({
    sourceRoot,
    ...(ignore ? { ignore } : {}),
    ...(excludes.length > 0 ? { exclude: new IgnoreMatcher(parseDockerignore(excludes.join("\n"))) } : {}),
    sources: extracted
      ? sources.filter((s) => !isArchive(join(sourceRoot, resolveInRoot(sourceRoot, cleanSource(s, upper)))))
      : sources,
    dest,
    workdir: state.config.WorkingDir || "/",
    ...owner,
    ...(chmod !== undefined ? { chmod } : {}),
    lookup,
    instruction: upper,
  }).catch(async (err: unknown) => {
    if (
      extracted &&
      (err as EngineError).code === "BUILD_COPY_FAILED" &&
      sources.every((s) => isArchive(join(sourceRoot, resolveInRoot(sourceRoot, cleanSource(s, upper)))))
    ) {
      return { entries: [] as TarWriteEntry[], hash: "" };
    }
    throw err;
  });
  let entries = plan.entries;
  let contentHash = plan.hash;
  if (extracted) {
    const destDir = dest.startsWith("/") ? dest : posix.join(state.config.WorkingDir || "/", dest);
    const more = await planCopy({
      sourceRoot: extracted,
      sources: ["."],
      dest: destDir.endsWith("/") ? destDir : destDir + "/",
      workdir: "/",
      ...owner,
      lookup,
      instruction: upper,
    });
    entries = [...entries, ...more.entries];
    contentHash += more.hash;
  }
  const description = `${upper} ${JSON.stringify(inst.flags.get("chown") ?? [])}${chmodText ?? ""} ${contentHash} in ${dest}`;
  const createdBy = `/bin/sh -c #(nop) ${upper} ${contentHash.startsWith("sha256:") ? "multi:" + contentHash.slice(7) : contentHash} in ${dest} `;
  const key = cacheKey(current, before, description, contentHash);
  const hit = await tryCache(key, createdBy, false);
  if (hit) return hit;
  return done(await commitImage(deps, ctx.lease, current, state.config, entries, createdBy, false), key);
}

function isArchive(path: string): boolean {
  try {
    const st = statSync(path);
    if (!st.isFile() || st.size < 6) return false;
    const head = Buffer.alloc(512);
    const fd = openSync(path, "r");
    try {
      readSync(fd, head, 0, 512, 0);
    } finally {
      closeSync(fd);
    }
    if (head[0] === 0x1f && head[1] === 0x8b) return true; // gzip
    if (head.subarray(0, 3).toString() === "BZh") return true;
    if (head.subarray(0, 6).equals(Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]))) return true;
    return head.subarray(257, 262).toString() === "ustar";
  } catch {
    return false;
  }
}

function runTool(cmd: string, args: string[]): Promise<number> {
  return new Promise((resolve) => {
    const p = spawn(cmd, args, { stdio: "ignore" });
    p.on("close", (code) => resolve(code ?? 1));
    p.on("error", () => resolve(127));
  });
}

/**
 * A read-only view of an image's filesystem (COPY --from, RUN --mount=type=bind,from=): its
 * snapshot dirs stacked by a read-only overlay mount under the build's work dir, unmounted
 * when the build ends (before the work dir goes).
 */
async function mountView(ctx: StepContext, image: ImageRecord | undefined): Promise<string> {
  const dir = join(ctx.work, `view-${randomBytes(4).toString("hex")}`);
  mkdirSync(dir);
  const top = image?.layers.at(-1)?.chainId;
  if (top === undefined) return dir; // FROM scratch without layers: an empty tree
  await mountOverlay({ lowerDirs: ctx.deps.images.snapshots.lowerDirs(top), target: dir, readonly: true });
  ctx.cleanups.push(() => unmount(dir, { lazy: true }));
  return dir;
}

async function runRun(
  ctx: StepContext,
  state: StageState,
  current: Built,
  inst: Instruction,
  before: ImageRunConfig,
  tryCache: TryCache,
  done: Done,
): Promise<Built> {
  const { deps, options, say } = ctx;
  let cmd = commandLine(inst, state.config);
  if (inst.heredocs.length > 0 && !inst.json) {
    // RUN <<EOF: the heredoc is the script (reference "Here-Documents" → "Example: Running a multi-line script").
    const first = inst.heredocs[0];
    const line = inst.args.join(" ");
    if (first && /^\s*<<-?['"]?\w+['"]?\s*$/.test(line)) {
      cmd = [...(state.config.Shell ?? ["/bin/sh", "-c"]), first.content];
    } else {
      cmd = [
        ...(state.config.Shell ?? ["/bin/sh", "-c"]),
        line + "\n" + inst.heredocs.map((h) => h.content + h.name).join("\n"),
      ];
    }
  }
  if (inst.flags.get("security")?.[0] === "insecure") {
    // BuildKit grants this only with the security.insecure entitlement, which we never give.
    throw lineError(
      "security.insecure is not allowed: RUN --security=insecure needs an entitlement this builder does not grant",
      inst.line,
    );
  }
  const argEnv = runArgEnv(state);
  const mounts = (inst.flags.get("mount") ?? []).map((m) => parseMount(m, inst));
  const network = inst.flags.get("network")?.[0] ?? "default";
  if (!["none", "default", "host"].includes(network))
    throw lineError(`unsupported network mode: ${network}`, inst.line);
  const description = `RUN ${JSON.stringify(cmd)} args=${JSON.stringify(argEnv)} mounts=${JSON.stringify(mounts)} net=${network}`;
  const key = cacheKey(current, before, description);
  const createdBy = cmd.join(" "); // moby: strings.Join(saveCmd, " ") for both forms
  // History names the build args a RUN saw, sorted (moby's prependEnvOnCmd).
  const withArgs =
    argEnv.length > 0 ? `|${argEnv.length} ${[...argEnv].sort().join(" ")} ${createdBy}` : createdBy;
  const hit = await tryCache(key, withArgs, false);
  if (hit) return hit;

  const binds: string[] = [];
  const tmpfs: Record<string, string> = {};
  for (const m of mounts) {
    if (m.type === "cache") {
      const id = m.id || m.target;
      const dir = join(
        deps.root,
        "build-cache-mounts",
        createHash("sha256").update(id).digest("hex").slice(0, 32),
      );
      mkdirSync(dir, { recursive: true, mode: 0o755 });
      binds.push(`${dir}:${m.target}`);
    } else if (m.type === "bind") {
      let root = ctx.ctxDir;
      if (m.from) {
        const idx = ctx.stageRef(m.from);
        const img = idx !== undefined ? ctx.built.get(idx)?.image : deps.images.find(m.from);
        root = await mountView(ctx, img);
      }
      const src = join(root, resolveInRoot(root, cleanSource(m.source || ".", "RUN")));
      if (!existsSync(src))
        throw lineError(`failed to compute cache key: "/${m.source}": not found`, inst.line);
      binds.push(`${src}:${m.target}:${m.rw ? "rw" : "ro"}`);
    } else if (m.type === "tmpfs") {
      tmpfs[m.target] = "";
    }
  }
  const baseImage = current.image;
  let imageRef = baseImage?.id;
  let scratchImage: Built | undefined;
  if (!imageRef) {
    scratchImage = await commitImage(deps, ctx.lease, current, state.config, [], "", true);
    imageRef = (scratchImage.image as ImageRecord).id;
  }
  const env = [...(state.config.Env ?? [])];
  const keys = new Set(env.map((e) => e.split("=")[0]));
  for (const a of argEnv) if (!keys.has(a.split("=")[0])) env.push(a);
  const request: Record<string, unknown> = {
    Image: imageRef,
    Cmd: cmd,
    Entrypoint: [],
    Env: env,
    WorkingDir: state.config.WorkingDir ?? "",
    User: state.config.User ?? "",
    // Marks the step container so a daemon restart after a crash mid-build removes it.
    Labels: { [BUILD_CONTAINER_LABEL]: "1" },
    HostConfig: {
      NetworkMode:
        network === "none" ? "none" : network === "host" ? "host" : options.networkMode || "default",
      ...(binds.length > 0 ? { Binds: binds } : {}),
      ...(Object.keys(tmpfs).length > 0 ? { Tmpfs: tmpfs } : {}),
      ...(options.extraHosts.length > 0 ? { ExtraHosts: options.extraHosts } : {}),
      ...(options.shmSize ? { ShmSize: options.shmSize } : {}),
      ...(options.ulimits.length > 0 ? { Ulimits: options.ulimits } : {}),
      ...(options.memory ? { Memory: options.memory } : {}),
      ...(options.memorySwap ? { MemorySwap: options.memorySwap } : {}),
      ...(options.cpuShares ? { CpuShares: options.cpuShares } : {}),
      ...(options.cpuSetCpus ? { CpusetCpus: options.cpuSetCpus } : {}),
      ...(options.cpuPeriod ? { CpuPeriod: options.cpuPeriod } : {}),
      ...(options.cpuQuota ? { CpuQuota: options.cpuQuota } : {}),
    },
  };
  // WORKDIR must exist for the process to start; Docker creates it (reference "WORKDIR").
  const id = await deps.containers.create(request);
  say(` ---> Running in ${short(id)}\n`);
  let removed = false;
  try {
    const code = await deps.containers.run(id, (text) => say(text), ctx.signal);
    if (ctx.signal?.aborted) throw canceled();
    if (code !== 0) {
      const shown = cmd.join(" "); // moby: strings.Join(runConfig.Cmd, " ")
      throw new StepFailed(`The command '${shown}' returned a non-zero code: ${code}`, code);
    }
    // Mount points the runtime made (the /etc files, /proc, /sys, /dev, bind and tmpfs targets)
    // are not content: Docker keeps them in an init layer that commits never see. Dropped when
    // the image lacks them and they are still empty; deepest first so emptied parents go too.
    const upper = deps.containers.upperDir(id);
    const lookup = imageLookup(deps, current.image);
    const points = [...RUNTIME_MOUNT_POINTS, ...mounts.map((m) => m.target)].sort(
      (a, b) => b.length - a.length,
    );
    for (const point of points) {
      for (let p = point; p !== "/" && p !== "."; p = posix.dirname(p)) {
        if (lookup(p) !== undefined) break;
        const path = join(upper, p);
        try {
          const st = lstatSync(path);
          if (st.isDirectory() ? readdirSafe(path).length > 0 : !st.isFile() || st.size > 0) break;
          rmSync(path, { recursive: true });
        } catch {
          break; // not created
        }
      }
    }
    // The shared upper-dir changeset writer (docker commit's): whiteouts, opaque dirs, hard links.
    const entries = upperDirEntries(upper);
    const result = await commitImage(
      deps,
      ctx.lease,
      scratchImage ?? current,
      state.config,
      entries,
      withArgs,
      false,
    );
    await deps.containers.remove(id);
    removed = true;
    say(` ---> Removed intermediate container ${short(id)}\n`);
    return done(result, key);
  } finally {
    if (!removed)
      await deps.containers
        .remove(id)
        .catch((err: unknown) => deps.log.warn("build: remove container", { id, err }));
  }
}

function readdirSafe(p: string): string[] {
  try {
    return readdirSync(p);
  } catch {
    return [];
  }
}

/** One step's image: the parent's layers (+ a new one), the config, a history entry. */
async function commitImage(
  deps: BuildDeps,
  lease: ReturnType<ImageService["leases"]["acquire"]>,
  parent: Built,
  runConfig: ImageRunConfig,
  layerEntries: Iterable<TarWriteEntry> | AsyncIterable<TarWriteEntry> | undefined,
  createdBy: string,
  emptyLayer: boolean,
  author?: string,
  restored?: { layer?: LayerRecord; entry: HistoryEntry },
): Promise<Built> {
  const images = deps.images;
  const layers = (parent.image?.layers ?? []).map((l) => ({
    blobDigest: l.blobDigest,
    blobMediaType: l.blobMediaType,
    blobSize: l.blobSize,
    diffId: l.diffId,
  }));
  if (restored?.layer) {
    const { chainId: _chainId, ...source } = restored.layer;
    layers.push(source);
  } else if (layerEntries !== undefined && !emptyLayer) {
    const blob = await images.content.ingest(writeTar(layerEntries) as AsyncIterable<Buffer> as never);
    lease.addBlob(blob.digest);
    layers.push({
      blobDigest: blob.digest,
      blobMediaType: MediaType.ociLayer,
      blobSize: blob.size,
      diffId: blob.digest,
    });
  }
  const { records, size } = await images.unpack(layers, lease);
  const now = new Date().toISOString();
  const config: ImageConfig = {
    ...structuredClone(parent.config),
    created: now,
    ...(author ? { author } : {}),
    config: structuredClone(runConfig),
    rootfs: { type: "layers", diff_ids: layers.map((l) => l.diffId) },
    history: [
      ...(parent.config.history ?? []),
      ...(restored ? [restored.entry] : []),
      ...(restored || (createdBy === "" && emptyLayer)
        ? []
        : [{ created: now, created_by: createdBy, ...(emptyLayer ? { empty_layer: true } : {}) }]),
    ],
  };
  delete config.id;
  delete config.parent;
  delete config.container;
  delete config.container_config;
  const bytes = Buffer.from(JSON.stringify(config));
  const digest = sha256Of(bytes);
  await images.content.writeBuffer(bytes, digest);
  lease.addBlob(digest);
  const manifest = await images.writeManifest(digest, layers, lease);
  await images.commit([
    {
      configDigest: digest,
      config,
      manifestDigest: manifest.digest,
      manifestMediaType: manifest.mediaType,
      layers: records,
      size,
      names: [],
      ...(parent.image ? { parent: parent.image.id } : {}),
    },
  ]);
  const image = images.find(digest);
  if (!image) throw invalidArgument("BUILD_COMMIT", "image vanished after commit");
  return { image, config };
}

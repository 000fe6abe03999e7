// `POST /build` (classic builder, swagger "ImageBuild"): context upload → stages → one image per
// step. RUN runs as a real container through the daemon's container machinery (create from the
// current image config → start → wait → its upper dir becomes the step's layer); COPY/ADD write
// their layer directly; metadata instructions commit a config-only image. Each step is cached
// on (parent image, config, instruction after expansion, content of the files it reads).
//
// The pieces: build-stage-plan (which stages, in what order), build-stage-base (FROM),
// build-step (dispatch, ARG, metadata), build-step-run (RUN), build-step-copy (COPY/ADD),
// build-cache-lookup (keys, cache, --cache-from), build-commit (a step's image),
// build-image-fs (reading an image's files), build-output (the stream's last lines).

import { existsSync, mkdirSync, mkdtempSync, readFileSync, statSync } from "node:fs";
import { rm } from "node:fs/promises";
import { join } from "node:path";
import type { Readable } from "node:stream";
import {
  IgnoreMatcher,
  parseDockerfile,
  parseDockerignore,
  parseInstruction,
  resolveInRoot,
  type Stage,
  type StageState,
} from "../build/index.ts";
import { cleanContextPath, extractContext } from "./build-context.ts";
import type { ImageRecord } from "../image/index.ts";
import { invalidArgument } from "../lib/index.ts";
import { normalizedString, parseNormalizedReference } from "../oci/index.ts";
import { emitBuilt, taggedLine, unconsumedArgsWarning } from "./build-output.ts";
import { stageBase } from "./build-stage-base.ts";
import { planBuild } from "./build-stage-plan.ts";
import { runStep } from "./build-step.ts";
import {
  type BuildDeps,
  type BuildMessage,
  type BuildOptions,
  type Built,
  short,
  type StepContext,
} from "./build-types.ts";

export {
  BUILD_CONTAINER_LABEL,
  type BuildContainers,
  type BuildDeps,
  type BuildMessage,
  type BuildOptions,
  StepFailed,
} from "./build-types.ts";

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
    const plan = planBuild(parsed.root, escapeToken, options);
    const ignoreFile = join(ctxDir, resolveInRoot(ctxDir, ".dockerignore"));
    const ignore = existsSync(ignoreFile)
      ? new IgnoreMatcher(parseDockerignore(readFileSync(ignoreFile, "utf8")))
      : undefined;
    const { metaArgs, usedBuildArgs, last, total } = plan;
    let step = 0;
    const built = new Map<number, Built>();

    for (const index of plan.order) {
      const stage = plan.stages[index] as Stage;
      const isFinal = index === last;
      step++;
      say(`Step ${step}/${total} : ${stage.from.original}\n`);
      const baseName = plan.baseNames[index] ?? "";
      const fromStage = plan.stageRef(baseName, index);
      let current = await stageBase(
        deps,
        options,
        stage,
        baseName,
        plan.platforms[index],
        fromStage === undefined ? undefined : (built.get(fromStage) as Built),
        emit,
      );
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
        stageRef: plan.stageRefAny,
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
    const warning = unconsumedArgsWarning(options.buildArgs, usedBuildArgs);
    if (warning !== undefined) say(warning);
    emitBuilt(emit, id);
    for (const tag of tags) {
      await deps.images.tag(id, normalizedString(tag, true));
      say(taggedLine(tag));
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
    // Never recurse into a view that is still mounted; a restart cleans it up instead. The work
    // dir (the unpacked context) goes after the answer, not before it: unlinking a 200 MB
    // context takes tens of ms, and a restart removes what a crash left.
    if (unmounted)
      void rm(work, { recursive: true, force: true }).catch((err: unknown) =>
        deps.log.warn("build: removing the work dir", { work, err }),
      );
  }
}

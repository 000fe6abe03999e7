// One Dockerfile instruction of a stage: dispatches to the RUN and COPY/ADD handlers; ARG and
// the metadata instructions (ENV, CMD, LABEL, WORKDIR, ...) change the config and commit a
// config-only image (WORKDIR also a layer with the directories it creates).
import {
  applyConfigInstruction,
  declareArgs,
  expandWord,
  type Instruction,
  lineError,
  type StageState,
} from "../build/index.ts";
import type { TarWriteEntry } from "../diff/index.ts";
import { cacheKey, stepCache } from "./build-cache-lookup.ts";
import { commitImage } from "./build-commit.ts";
import { imageLookup, missingDirs } from "./build-image-fs.ts";
import { runCopy } from "./build-step-copy.ts";
import { runRun } from "./build-step-run.ts";
import { type Built, canceled, type Step, type StepContext } from "./build-types.ts";

export async function runStep(
  ctx: StepContext,
  state: StageState,
  current: Built,
  inst: Instruction,
): Promise<Built> {
  if (ctx.signal?.aborted) throw canceled();
  const before = structuredClone(state.config);
  const step: Step = { ctx, state, current, inst, before, ...stepCache(ctx, state, current, inst) };
  switch (inst.name) {
    case "arg":
      return runArg(step);
    case "run":
      return runRun(step);
    case "copy":
    case "add":
      return runCopy(step);
    case "from":
      throw lineError("FROM is not allowed here", inst.line);
    default:
      return runMetadata(step);
  }
}

async function runArg(step: Step): Promise<Built> {
  const { ctx, state, current, inst, before, tryCache, done } = step;
  const { deps, options, escapeToken } = ctx;
  declareArgs(state.args, inst, options.buildArgs, state.usedBuildArgs, (w) =>
    expandWord(state, inst, w, escapeToken),
  );
  // Meta ARG defaults flow into a stage's ARG without a value (reference "ARG" scope rules).
  for (const word of inst.args) {
    const name = word.split("=")[0] ?? "";
    if (!word.includes("=") && state.args.get(name) === undefined && state.metaArgs.get(name) !== undefined) {
      state.args.set(name, state.metaArgs.get(name));
    }
  }
  const text = `ARG ${inst.args.join(" ")}`;
  const key = cacheKey(current, before, text, JSON.stringify([...state.args]));
  const hit = await tryCache(key, `/bin/sh -c #(nop)  ${text}`, true);
  if (hit) return hit;
  return done(
    await commitImage(deps, ctx.lease, current, state.config, undefined, `/bin/sh -c #(nop)  ${text}`, true),
    key,
  );
}

async function runMetadata(step: Step): Promise<Built> {
  const { ctx, state, current, inst, before, tryCache, done } = step;
  const { deps, escapeToken } = ctx;
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

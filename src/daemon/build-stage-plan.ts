// Which stages a build runs and in what order: the global (meta) ARGs FROM lines may use, the
// --target stage, and the stages it depends on (FROM <stage>, COPY --from, RUN --mount from=),
// dependencies first; a cycle is refused. Only these stages are built.
import {
  declareArgs,
  expandWord,
  type Node,
  planStages,
  type Stage,
  type StageState,
} from "../build/index.ts";
import { invalidArgument } from "../lib/index.ts";
import { formatPlatform, hostPlatform, parsePlatform, type Platform } from "../oci/index.ts";
import type { BuildOptions } from "./build-types.ts";

export interface BuildSchedule {
  stages: Stage[];
  /** Stage indexes to build, dependencies first; the last one is the target. */
  order: number[];
  /** The target stage's index. */
  last: number;
  /** Each stage's FROM name after meta-ARG expansion. */
  baseNames: string[];
  /**
   * Each stage's platform when one was asked for (FROM --platform, else the build's `platform`),
   * undefined when neither was: the image is then taken as it is.
   */
  platforms: (Platform | undefined)[];
  /** Steps the stream counts (`Step N/total`): each built stage's FROM and instructions. */
  total: number;
  metaArgs: Map<string, string | undefined>;
  usedBuildArgs: Set<string>;
  /** A stage named or numbered by `ref` that comes before stage `before` (FROM's rule). */
  stageRef(ref: string, before: number): number | undefined;
  /** Any stage named or numbered by `ref` (COPY --from, RUN --mount from=). */
  stageRefAny(ref: string): number | undefined;
}

export function planBuild(root: Node, escapeToken: string, options: BuildOptions): BuildSchedule {
  const plan = planStages(root);
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
  // TARGET* name the build's `platform` (the host's by default), BUILD* the host.
  const host = hostPlatform();
  const requested = options.platform ? parsePlatform(options.platform) : undefined;
  for (const [prefix, p] of [
    ["TARGET", containerdForm(requested ?? host)],
    ["BUILD", containerdForm(host)],
  ] as const) {
    metaArgs.set(`${prefix}PLATFORM`, formatPlatform(p));
    metaArgs.set(`${prefix}OS`, p.os);
    metaArgs.set(`${prefix}ARCH`, p.architecture);
    metaArgs.set(`${prefix}VARIANT`, p.variant ?? "");
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
  // FROM --platform may use the meta ARGs (FROM --platform=$BUILDPLATFORM ...).
  const platforms = plan.stages.map((s) =>
    s.platform ? parsePlatform(expandWord(metaState(), s.from, s.platform, escapeToken)) : requested,
  );
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
  return {
    stages: plan.stages,
    order,
    last,
    baseNames,
    platforms,
    total,
    metaArgs,
    usedBuildArgs,
    stageRef,
    stageRefAny,
  };
}

/** containerd's normal form (platforms.Normalize): arm64's v8 is the default and is left out. */
export function containerdForm(p: Platform): Platform {
  if (p.architecture !== "arm64" || p.variant !== "v8") return p;
  const { variant: _variant, ...rest } = p;
  return rest;
}

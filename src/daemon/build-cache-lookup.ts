// A step's cache: its key (parent image, config before the step, the instruction after
// expansion, the content it reads), the lookup in the build cache, and --cache-from images.
import type { Instruction, StageState } from "../build/index.ts";
import { type ImageRunConfig, sha256Of } from "../oci/index.ts";
import { commitImage } from "./build-commit.ts";
import { type Built, type Done, short, type StepContext, type TryCache } from "./build-types.ts";
import type { ImageRecord } from "../image/index.ts";

export function cacheKey(parent: Built, config: ImageRunConfig, description: string, content = ""): string {
  return sha256Of(
    Buffer.from(JSON.stringify({ parent: parent.image?.id ?? "scratch", config, description, content })),
  );
}

/**
 * The cache helpers of one step: `tryCache` answers a key from the cache (or a --cache-from
 * image, then recorded under the key); `done` records a fresh result. Both print the stream's
 * ` ---> Using cache` / ` ---> <id>` lines.
 */
export function stepCache(
  ctx: StepContext,
  state: StageState,
  current: Built,
  inst: Instruction,
): { tryCache: TryCache; done: Done } {
  const { deps, options, say } = ctx;
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
  return { tryCache, done };
}

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

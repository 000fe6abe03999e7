// A stage's FROM: an earlier stage's result, `scratch` (an empty config for the host's
// platform), or an image (pulled when missing, or always with --pull, when the daemon can pull).
import type { Stage } from "../build/index.ts";
import { notFound } from "../lib/index.ts";
import { hostPlatform } from "../oci/index.ts";
import type { BuildDeps, BuildMessage, BuildOptions, Built } from "./build-types.ts";

export async function stageBase(
  deps: BuildDeps,
  options: BuildOptions,
  stage: Stage,
  baseName: string,
  fromStage: Built | undefined,
  emit: (msg: BuildMessage) => void,
): Promise<Built> {
  if (fromStage !== undefined) return fromStage;
  if (baseName.toLowerCase() === "scratch") {
    const p = hostPlatform();
    return {
      config: {
        architecture: p.architecture,
        os: "linux",
        ...(p.variant ? { variant: p.variant } : {}),
        config: {},
        rootfs: { type: "layers", diff_ids: [] },
        history: [],
      },
    };
  }
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
  return { image, config: await deps.images.config(image.id) };
}

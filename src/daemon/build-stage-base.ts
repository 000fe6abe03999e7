// A stage's FROM: an earlier stage's result, `scratch` (an empty config for the stage's
// platform), or an image (pulled when missing, or always with --pull, when the daemon can pull).
// A platform asked for (FROM --platform, build --platform) must be the image's: there is no
// emulation here, so a foreign image is refused with dockerd's words rather than run.
import type { Stage } from "../build/index.ts";
import { notFound } from "../lib/index.ts";
import {
  compatiblePlatforms,
  formatPlatform,
  hostPlatform,
  type ImageConfig,
  type Platform,
  platformEquals,
} from "../oci/index.ts";
import { containerdForm } from "./build-stage-plan.ts";
import type { BuildDeps, BuildMessage, BuildOptions, Built } from "./build-types.ts";

export async function stageBase(
  deps: BuildDeps,
  options: BuildOptions,
  stage: Stage,
  baseName: string,
  platform: Platform | undefined,
  fromStage: Built | undefined,
  emit: (msg: BuildMessage) => void,
): Promise<Built> {
  if (fromStage !== undefined) return fromStage;
  if (baseName.toLowerCase() === "scratch") {
    const p = containerdForm(platform ?? hostPlatform());
    return {
      config: {
        architecture: p.architecture,
        os: p.os,
        ...(p.variant ? { variant: p.variant } : {}),
        config: {},
        rootfs: { type: "layers", diff_ids: [] },
        history: [],
      },
    };
  }
  const wanted = platform === undefined ? "" : formatPlatform(containerdForm(platform));
  let image = deps.images.find(baseName);
  let config = image ? await deps.images.config(image.id) : undefined;
  // Missing base images are pulled (and --pull refreshes them) when the daemon can pull; so is
  // one of another platform than asked for (moby GetImageAndReleasableLayer).
  const mismatch = config !== undefined && platform !== undefined && !runsOn(platform, config);
  if (deps.pull && (!image || options.pull || mismatch)) {
    try {
      await deps.pull(baseName, wanted || stage.platform, (msg) => emit(msg));
    } catch (err) {
      if (!mismatch) throw err;
      deps.log.debug("build: pulling the base image for its platform", { baseName, wanted, err });
    }
    image = deps.images.find(baseName);
    config = image ? await deps.images.config(image.id) : undefined;
  }
  if (!image || !config) {
    const repo = baseName.replace(/:[^/:]*$/, "").replace(/@.*$/, "");
    throw notFound(
      "BUILD_BASE_MISSING",
      `pull access denied for ${repo}, repository does not exist or may require 'docker login': denied: requested access to the resource is denied`,
    );
  }
  if (platform !== undefined && !runsOn(platform, config)) {
    // dockerd's words (docs "docker image history --platform").
    throw notFound(
      "BUILD_PLATFORM_MISMATCH",
      `image with reference ${baseName} was found but does not match the specified platform: wanted ${wanted}`,
    );
  }
  return { image, config };
}

/** Whether an image of `config`'s platform suits `want` (amd64 also takes 386, arm/v7 v6, ...). */
function runsOn(want: Platform, config: ImageConfig): boolean {
  const have: Platform = {
    os: config.os,
    architecture: config.architecture,
    ...(config.variant ? { variant: config.variant } : {}),
  };
  return compatiblePlatforms(want).some((p) => platformEquals(p, have));
}

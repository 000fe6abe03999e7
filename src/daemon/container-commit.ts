// `docker commit` (POST /commit): a new image whose top layer is the container's changes (its
// overlay upper dir, whiteouts translated to OCI ones) and whose config is the container's,
// overridden by the request body and the `changes` Dockerfile instructions, as moby's
// daemon/commit.go does. A running container is frozen meanwhile unless pause=false.
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { ContainerConfig, HostConfig } from "../api/types/index.ts";
import { parseBind } from "../container/index.ts";
import type { ContainerStore } from "../container/index.ts";
import { writeLayerFromUpperDir, writeTar } from "../diff/index.ts";
import { applyChanges, familiarOf, type ImageService } from "../image/index.ts";
import { invalidArgument } from "../lib/index.ts";
import type { ImageRunConfig } from "../oci/index.ts";
import { pipeline } from "node:stream/promises";

export interface CommitRequest {
  container: string;
  repo: string;
  tag: string;
  comment: string;
  author: string;
  pause: boolean;
  changes: readonly string[];
  /** Config fields that override the container's (the request body). */
  config?: ContainerConfig;
}

export interface CommitDeps {
  store: ContainerStore<ContainerConfig, HostConfig>;
  images: ImageService;
  /** <root>/containers/<id>: holds the overlay upper dir. */
  containerDir: (id: string) => string;
  pause: (id: string) => Promise<void>;
  resume: (id: string) => Promise<void>;
}

/** Mount points the runtime creates in every rootfs: Docker keeps them in the init layer. */
const RUNTIME_MOUNT_POINTS = [
  "proc",
  "sys",
  "dev",
  "etc/hosts",
  "etc/hostname",
  "etc/resolv.conf",
  ".dockerenv",
  "etc/mtab",
];

/** Relative paths the container's mounts cover; their content is not the container's layer. */
export function mountPointPaths(hostConfig: HostConfig): Set<string> {
  const paths = new Set(RUNTIME_MOUNT_POINTS);
  const add = (dest: string): void => {
    const rel = dest.replace(/^\/+/, "").replace(/\/+$/, "");
    if (rel !== "") paths.add(rel);
  };
  for (const b of hostConfig.Binds ?? []) {
    try {
      add(parseBind(b).destination);
    } catch {
      // a bind the container could not have started with
    }
  }
  for (const dest of Object.keys(hostConfig.Tmpfs ?? {})) add(dest);
  return paths;
}

export async function commitContainer(
  deps: CommitDeps,
  request: CommitRequest,
): Promise<{ id: string; containerId: string; imageRef: string }> {
  const c = deps.store.resolve(request.container);
  if (request.repo === "" && request.tag !== "") {
    throw invalidArgument("COMMIT_TAG_WITHOUT_REPO", "invalid reference format: tag requires a repository");
  }
  const name = request.repo === "" ? "" : `${request.repo}${request.tag === "" ? "" : `:${request.tag}`}`;
  const config = applyChanges(toImageConfig(mergeConfig(request.config, c.config)), request.changes);
  const upper = join(deps.containerDir(c.id), "upper");
  const exclude = mountPointPaths(c.hostConfig);
  const freeze = request.pause && c.state.Running && !c.state.Paused;
  if (freeze) await deps.pause(c.id);
  try {
    const image = await deps.images.commitImage({
      parent: c.imageId,
      writeLayer: async (out) => {
        if (existsSync(upper)) await writeLayerFromUpperDir(upper, out, { exclude });
        else await pipeline(writeTar([]), out); // never started: an empty layer, as Docker makes
      },
      config,
      history: {
        created_by: [...(c.config.Entrypoint ?? []), ...(c.config.Cmd ?? [])].join(" "),
        ...(request.author ? { author: request.author } : {}),
        ...(request.comment ? { comment: request.comment } : {}),
      },
      ...(request.author ? { author: request.author } : {}),
      ...(request.comment ? { comment: request.comment } : {}),
      names: name === "" ? [] : [name],
    });
    // moby reports the name in its familiar form ("x:1", not "docker.io/library/x:1").
    return { id: image.id, containerId: c.id, imageRef: name === "" ? "" : familiarOf(name) };
  } finally {
    if (freeze) await deps.resume(c.id).catch(() => undefined);
  }
}

/** moby's merge(): fields the request leaves empty come from the container's config. */
function mergeConfig(user: ContainerConfig | undefined, base: ContainerConfig): ContainerConfig {
  if (user === undefined) return base;
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(user)) {
    if (value === null || value === undefined || value === "") continue;
    if (Array.isArray(value) && value.length === 0) continue;
    if (key === "Env" && Array.isArray(value)) {
      // moby: user Env entries override the container's same-named ones, others are kept.
      const keys = new Set(value.map((e: string) => e.split("=")[0]));
      out[key] = [...(base.Env ?? []).filter((e) => !keys.has(e.split("=")[0])), ...value];
      continue;
    }
    if ((key === "ExposedPorts" || key === "Volumes" || key === "Labels") && typeof value === "object") {
      out[key] = { ...((base as Record<string, object | null | undefined>)[key] ?? {}), ...value };
      continue;
    }
    out[key] = value;
  }
  return out as ContainerConfig;
}

/** The container's Config as an image config: nulls dropped (ImageRunConfig has none). */
function toImageConfig(config: ContainerConfig): ImageRunConfig {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(config)) {
    if (value !== null && value !== undefined) out[key] = value;
  }
  return out as ImageRunConfig;
}

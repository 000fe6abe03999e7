// Looking into and changing a container's files and settings: commit, cp (archive), changes,
// export, stats, update, port (swagger.yaml tags "Container" and "Image" for /commit).
// Handlers parse the request and call the backend.
import type { ContainerConfig } from "../types/index.ts";
import type { Router } from "./router.ts";

export interface CommitOptions {
  container: string;
  repo: string;
  tag: string;
  comment: string;
  author: string;
  pause: boolean;
  changes: string[];
  config?: ContainerConfig;
}

export interface ContainerInspectBackend {
  commitContainer(options: CommitOptions): Promise<{ Id: string }>;
}

export function addContainerInspectRoutes(router: Router, backend: ContainerInspectBackend): void {
  router.add("POST", "/commit", async (ctx) => {
    const config = await ctx.readJson<ContainerConfig>();
    const result = await backend.commitContainer({
      container: ctx.query.get("container") ?? "",
      repo: ctx.query.get("repo") ?? "",
      tag: ctx.query.get("tag") ?? "",
      comment: ctx.query.get("comment") ?? "",
      author: ctx.query.get("author") ?? "",
      pause: ctx.boolQuery("pause", true),
      changes: ctx.query.getAll("changes"),
      ...(config !== undefined && config !== null ? { config } : {}),
    });
    ctx.json(201, result);
  });
}

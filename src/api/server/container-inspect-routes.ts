// Looking into and changing a container's files and settings: commit, cp (archive), changes,
// export, stats, update, port (swagger.yaml tags "Container" and "Image" for /commit).
// Handlers parse the request and call the backend.
import type { ContainerConfig } from "../types/index.ts";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { invalidArgument } from "../../lib/index.ts";
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

/** swagger ContainerPathStat */
export interface ContainerPathStat {
  name: string;
  size: number;
  mode: number;
  mtime: string;
  linkTarget: string;
}

export interface ContainerInspectBackend {
  commitContainer(options: CommitOptions): Promise<{ Id: string }>;
  statContainerPath(ref: string, path: string): Promise<ContainerPathStat>;
  /** The tar of a path; `done` is called once the tar has been sent or abandoned. */
  getContainerArchive(
    ref: string,
    path: string,
  ): Promise<{ stat: ContainerPathStat; tar: Readable; done(): Promise<void> }>;
  containerChanges(ref: string): Promise<{ Path: string; Kind: number }[]>;
  exportContainer(ref: string): Promise<{ tar: Readable; done(): Promise<void> }>;
  /** One document (stream=false), or one per second to `send` until `signal` aborts. */
  containerStats(
    ref: string,
    options: { stream: boolean; oneShot: boolean },
    send: (doc: unknown) => void,
    signal: AbortSignal,
  ): Promise<void>;
  putContainerArchive(
    ref: string,
    path: string,
    options: { noOverwriteDirNonDir: boolean; copyUIDGID: boolean },
    body: Readable,
  ): Promise<void>;
}

const STAT_HEADER = "X-Docker-Container-Path-Stat";

function statHeader(stat: ContainerPathStat): string {
  return Buffer.from(JSON.stringify(stat)).toString("base64");
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
  router.add("GET", "/containers/{id}/changes", async (ctx) => {
    ctx.json(200, await backend.containerChanges(ctx.param("id")));
  });
  router.add("GET", "/containers/{id}/export", async (ctx) => {
    const result = await backend.exportContainer(ctx.param("id"));
    try {
      ctx.res.writeHead(200, { "Content-Type": "application/x-tar" });
      await pipeline(result.tar, ctx.res).catch(() => undefined);
    } finally {
      await result.done();
    }
  });
  router.add("GET", "/containers/{id}/stats", async (ctx) => {
    const stream = ctx.boolQuery("stream", true);
    const abort = new AbortController();
    ctx.res.on("close", () => abort.abort());
    let started = false;
    await backend.containerStats(
      ctx.param("id"),
      { stream, oneShot: ctx.boolQuery("one-shot") },
      (doc) => {
        if (!started) {
          ctx.res.writeHead(200, { "Content-Type": "application/json" });
          started = true;
        }
        ctx.res.write(`${JSON.stringify(doc)}\n`);
      },
      abort.signal,
    );
    if (!started) ctx.res.writeHead(200, { "Content-Type": "application/json" });
    ctx.res.end();
  });
  router.add("HEAD", "/containers/{id}/archive", async (ctx) => {
    const stat = await backend.statContainerPath(ctx.param("id"), requiredPath(ctx.query));
    ctx.res.writeHead(200, { [STAT_HEADER]: statHeader(stat), "Content-Type": "application/json" });
    ctx.res.end();
  });
  router.add("GET", "/containers/{id}/archive", async (ctx) => {
    const result = await backend.getContainerArchive(ctx.param("id"), requiredPath(ctx.query));
    try {
      ctx.res.writeHead(200, { [STAT_HEADER]: statHeader(result.stat), "Content-Type": "application/x-tar" });
      await pipeline(result.tar, ctx.res).catch(() => undefined);
    } finally {
      await result.done();
    }
  });
  router.add("PUT", "/containers/{id}/archive", async (ctx) => {
    try {
      await backend.putContainerArchive(
        ctx.param("id"),
        requiredPath(ctx.query),
        {
          noOverwriteDirNonDir: ctx.boolQuery("noOverwriteDirNonDir"),
          copyUIDGID: ctx.boolQuery("copyUIDGID"),
        },
        ctx.req,
      );
    } catch (err) {
      // Refused before or while reading: drop the rest of the upload unread and unstored.
      ctx.req.resume();
      throw err;
    }
    ctx.res.writeHead(200);
    ctx.res.end();
  });
}

function requiredPath(query: URLSearchParams): string {
  const path = query.get("path");
  if (path === null || path === "") throw invalidArgument("INVALID_PATH", "path cannot be empty");
  return path;
}

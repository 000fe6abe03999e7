// POST /build and POST /build/prune (swagger tag "Image": ImageBuild, BuildPrune). The handler
// parses the query into build options and streams Docker's classic build output; errors before
// the first message get an HTTP status, later ones go in-band with the failing step's exit code.
import type { Readable } from "node:stream";
import { invalidArgument, toEngineError } from "../../lib/index.ts";
import type { JsonMessage } from "../types/index.ts";
import { parseFilters, type Filters } from "./filters.ts";
import { JsonMessageStream } from "./json-stream.ts";
import type { RequestContext } from "./request-context.ts";
import type { Router } from "./router.ts";

export interface BuildRequest {
  dockerfile: string;
  tags: string[];
  buildArgs: Map<string, string>;
  labels: Record<string, string>;
  target: string;
  noCache: boolean;
  quiet: boolean;
  forceRm: boolean;
  networkMode: string;
  extraHosts: string[];
  shmSize?: number;
  ulimits: { Name: string; Soft: number; Hard: number }[];
  memory?: number;
  memorySwap?: number;
  cpuShares?: number;
  cpuSetCpus?: string;
  cpuPeriod?: number;
  cpuQuota?: number;
  cacheFrom: string[];
  pull: boolean;
  /** Remove each RUN step's container once it succeeded (`rm`, default true; forcerm implies it). */
  remove: boolean;
  /** `platform` (API 1.32+): the platform stages build for; "" means the daemon's own. */
  platform: string;
}

export interface BuildBackend {
  /** `signal` aborts when the client goes away: the build stops and its step container is killed. */
  build(
    context: Readable,
    request: BuildRequest,
    emit: (msg: JsonMessage) => void,
    signal: AbortSignal,
  ): Promise<string>;
  pruneBuildCache(
    all: boolean,
    filters: Filters,
  ): Promise<{ CachesDeleted: string[]; SpaceReclaimed: number }>;
}

function jsonQuery<T>(ctx: RequestContext, name: string, fallback: T): T {
  const raw = ctx.query.get(name);
  if (raw === null || raw === "") return fallback;
  try {
    return JSON.parse(raw) as T;
  } catch {
    throw invalidArgument("BUILD_BAD_QUERY", `invalid ${name} value: ${raw}`);
  }
}

export function parseBuildRequest(ctx: RequestContext): BuildRequest {
  if (ctx.query.get("remote")) {
    throw invalidArgument("BUILD_REMOTE", "remote build contexts are not supported: no network access");
  }
  const buildArgs = new Map<string, string>();
  for (const [k, v] of Object.entries(jsonQuery<Record<string, string | null>>(ctx, "buildargs", {}))) {
    if (v !== null) buildArgs.set(k, v);
  }
  const num = (name: string): { [k: string]: number } => {
    const v = ctx.intQuery(name);
    return v === undefined || v === 0 ? {} : { [name]: v };
  };
  const ulimits = jsonQuery<{ Name: string; Soft: number; Hard: number }[] | null>(ctx, "ulimits", []) ?? [];
  const r: BuildRequest = {
    dockerfile: ctx.query.get("dockerfile") ?? "Dockerfile",
    tags: ctx.query.getAll("t").filter((t) => t !== ""),
    buildArgs,
    labels: jsonQuery<Record<string, string>>(ctx, "labels", {}) ?? {},
    target: ctx.query.get("target") ?? "",
    noCache: ctx.boolQuery("nocache"),
    quiet: ctx.boolQuery("q"),
    forceRm: ctx.boolQuery("forcerm"),
    networkMode: ctx.query.get("networkmode") ?? "",
    extraHosts: (ctx.query.get("extrahosts") ?? "").split(/[,\s]+/).filter(Boolean),
    ulimits,
    cacheFrom: jsonQuery<string[]>(ctx, "cachefrom", []) ?? [],
    pull: ctx.boolQuery("pull"),
    // moby postBuild: forcerm implies rm; rm absent means true.
    remove: ctx.boolQuery("forcerm") || (ctx.query.get("rm") ?? "") === "" || ctx.boolQuery("rm"),
    platform: ctx.query.get("platform") ?? "",
  };
  const shm = num("shmsize").shmsize;
  if (shm !== undefined) r.shmSize = shm;
  const mem = num("memory").memory;
  if (mem !== undefined) r.memory = mem;
  const swap = num("memswap").memswap;
  if (swap !== undefined) r.memorySwap = swap;
  const shares = num("cpushares").cpushares;
  if (shares !== undefined) r.cpuShares = shares;
  const period = num("cpuperiod").cpuperiod;
  if (period !== undefined) r.cpuPeriod = period;
  const quota = num("cpuquota").cpuquota;
  if (quota !== undefined) r.cpuQuota = quota;
  const cpuset = ctx.query.get("cpusetcpus");
  if (cpuset) r.cpuSetCpus = cpuset;
  return r;
}

export function addBuildRoutes(router: Router, backend: BuildBackend): void {
  router.add("POST", "/build", async (ctx) => {
    const request = parseBuildRequest(ctx);
    const stream = new JsonMessageStream(ctx.res);
    // -q: step output is held back and only shown if the build fails (moby's notVerboseBuffer).
    const held: JsonMessage[] = [];
    const gone = new AbortController();
    ctx.res.on("close", () => {
      if (!ctx.res.writableFinished) gone.abort();
    });
    try {
      const id = await backend.build(
        ctx.req,
        request,
        (msg) => {
          if (request.quiet && msg.stream !== undefined) held.push(msg);
          else if (!gone.signal.aborted) stream.write(msg);
        },
        gone.signal,
      );
      if (request.quiet) stream.write({ stream: `${id}\n` });
    } catch (err) {
      ctx.req.resume();
      if (gone.signal.aborted) return;
      // moby's errf: -q output held back is shown first; an error before any output is an HTTP error.
      for (const m of held) stream.write(m);
      if (!stream.isStarted) throw err;
      const e = toEngineError(err);
      const exit = (err as { exitCode?: unknown }).exitCode;
      const code = typeof exit === "number" ? exit : undefined;
      stream.write({
        errorDetail: { ...(code !== undefined ? { code } : {}), message: e.message },
        error: e.message,
      });
    }
    stream.end();
  });
  router.add("POST", "/build/prune", async (ctx) => {
    const filters = parseFilters(ctx.query.get("filters"), [
      // `docker system prune --filter label=…` sends its filters to every prune endpoint.
      "label",
      "label!",
      "until",
      "id",
      "parent",
      "type",
      "description",
      "inuse",
      "shared",
      "private",
    ]);
    ctx.json(200, await backend.pruneBuildCache(ctx.boolQuery("all"), filters));
  });
  router.add("POST", "/build/cancel", (ctx) => {
    ctx.noContent(200);
    return Promise.resolve();
  });
}

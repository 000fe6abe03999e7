// /containers/* routes (swagger.yaml tag "Container") that need no runtime: create, list,
// inspect, remove, rename, prune. Handlers only parse the request and call the backend.
import { invalidArgument } from "../../lib/index.ts";
import type {
  ContainerCreateRequest,
  ContainerCreateResponse,
  ContainerInspectResponse,
  ContainerPruneResponse,
  ContainerSummary,
} from "../types/index.ts";
import { type Filters, parseFilters } from "./filters.ts";
import { MAX_JSON_BODY } from "./request-context.ts";
import type { Router } from "./router.ts";

export interface ContainerListOptions {
  all: boolean;
  /** 0 or less: no limit. */
  limit: number;
  size: boolean;
  filters: Filters;
}

/** What the container routes need from the daemon. */
export interface ContainerBackend {
  /** `name` is "" when none was given (a random one is generated). */
  createContainer(name: string, request: ContainerCreateRequest): Promise<ContainerCreateResponse>;
  listContainers(options: ContainerListOptions): Promise<ContainerSummary[]>;
  inspectContainer(ref: string, size: boolean): Promise<ContainerInspectResponse>;
  removeContainer(ref: string, options: { force: boolean; volumes: boolean }): Promise<void>;
  renameContainer(ref: string, newName: string): Promise<void>;
  pruneContainers(filters: Filters): Promise<ContainerPruneResponse>;
}

export const CONTAINER_LIST_FILTERS = [
  "id",
  "name",
  "label",
  "status",
  "ancestor",
  "before",
  "since",
  "exited",
  "health",
  "volume",
  "network",
  "publish",
  "expose",
  "is-task",
  "isolation",
] as const;
const PRUNE_FILTERS = ["until", "label", "label!"] as const;

export function addContainerRoutes(router: Router, backend: ContainerBackend): void {
  router.add("POST", "/containers/create", async (ctx) => {
    // Refused before reading, so the client gets the 400 instead of a reset connection.
    const length = Number(ctx.req.headers["content-length"] ?? 0);
    if (length > MAX_JSON_BODY) {
      throw invalidArgument("BODY_TOO_LARGE", `request body too large: limit is ${MAX_JSON_BODY} bytes`);
    }
    const body = await ctx.readJson<unknown>();
    const request = parseCreateRequest(body);
    ctx.json(201, await backend.createContainer(ctx.query.get("name") ?? "", request));
  });
  router.add("GET", "/containers/json", async (ctx) => {
    ctx.jsonList(
      200,
      await backend.listContainers({
        all: ctx.boolQuery("all"),
        limit: ctx.intQuery("limit") ?? -1,
        size: ctx.boolQuery("size"),
        filters: parseFilters(ctx.query.get("filters"), CONTAINER_LIST_FILTERS),
      }),
    );
  });
  router.add("POST", "/containers/prune", async (ctx) => {
    ctx.json(200, await backend.pruneContainers(parseFilters(ctx.query.get("filters"), PRUNE_FILTERS)));
  });
  router.add("GET", "/containers/{id}/json", async (ctx) => {
    ctx.json(200, await backend.inspectContainer(ctx.param("id"), ctx.boolQuery("size")));
  });
  router.add("POST", "/containers/{id}/rename", async (ctx) => {
    await backend.renameContainer(ctx.param("id"), ctx.query.get("name") ?? "");
    ctx.noContent(204);
  });
  router.add("DELETE", "/containers/{id}", async (ctx) => {
    await backend.removeContainer(ctx.param("id"), {
      force: ctx.boolQuery("force"),
      volumes: ctx.boolQuery("v"),
    });
    ctx.noContent(204);
  });
}

// --- body checks: the JSON types Go's decoder would refuse, with its wording ---

type Kind = "string" | "bool" | "int" | "strings" | "strslice" | "strmap" | "set" | "object" | "objects";

const GO_TYPE: Record<Kind, string> = {
  string: "string",
  bool: "bool",
  int: "int64",
  strings: "[]string",
  strslice: "strslice.StrSlice",
  strmap: "map[string]string",
  set: "map[string]struct {}",
  object: "struct",
  objects: "[]struct",
};

const CONFIG_FIELDS: Record<string, Kind> = {
  Hostname: "string",
  Domainname: "string",
  User: "string",
  AttachStdin: "bool",
  AttachStdout: "bool",
  AttachStderr: "bool",
  ExposedPorts: "set",
  Tty: "bool",
  OpenStdin: "bool",
  StdinOnce: "bool",
  Env: "strings",
  Cmd: "strslice",
  Healthcheck: "object",
  ArgsEscaped: "bool",
  Image: "string",
  Volumes: "set",
  WorkingDir: "string",
  Entrypoint: "strslice",
  NetworkDisabled: "bool",
  MacAddress: "string",
  OnBuild: "strings",
  Labels: "strmap",
  StopSignal: "string",
  StopTimeout: "int",
  Shell: "strslice",
  HostConfig: "object",
  NetworkingConfig: "object",
};

const HOST_CONFIG_FIELDS: Record<string, Kind> = {
  Binds: "strings",
  ContainerIDFile: "string",
  LogConfig: "object",
  NetworkMode: "string",
  PortBindings: "object",
  RestartPolicy: "object",
  AutoRemove: "bool",
  VolumeDriver: "string",
  VolumesFrom: "strings",
  Annotations: "strmap",
  CapAdd: "strslice",
  CapDrop: "strslice",
  CgroupnsMode: "string",
  Dns: "strings",
  DnsOptions: "strings",
  DnsSearch: "strings",
  ExtraHosts: "strings",
  GroupAdd: "strings",
  IpcMode: "string",
  Cgroup: "string",
  Links: "strings",
  OomScoreAdj: "int",
  PidMode: "string",
  Privileged: "bool",
  PublishAllPorts: "bool",
  ReadonlyRootfs: "bool",
  SecurityOpt: "strings",
  StorageOpt: "strmap",
  Tmpfs: "strmap",
  UTSMode: "string",
  UsernsMode: "string",
  ShmSize: "int",
  Sysctls: "strmap",
  Runtime: "string",
  Isolation: "string",
  CpuShares: "int",
  Memory: "int",
  NanoCpus: "int",
  CgroupParent: "string",
  BlkioWeight: "int",
  CpuPeriod: "int",
  CpuQuota: "int",
  CpuRealtimePeriod: "int",
  CpuRealtimeRuntime: "int",
  CpusetCpus: "string",
  CpusetMems: "string",
  Devices: "objects",
  DeviceCgroupRules: "strings",
  MemoryReservation: "int",
  MemorySwap: "int",
  MemorySwappiness: "int",
  OomKillDisable: "bool",
  PidsLimit: "int",
  Ulimits: "objects",
  MaskedPaths: "strings",
  ReadonlyPaths: "strings",
  Init: "bool",
  Mounts: "objects",
};

function jsonType(v: unknown): string {
  if (Array.isArray(v)) return "array";
  if (typeof v === "boolean") return "bool";
  return typeof v;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

function fits(kind: Kind, v: unknown): boolean {
  switch (kind) {
    case "string":
      return typeof v === "string";
    case "bool":
      return typeof v === "boolean";
    case "int":
      return typeof v === "number" && Number.isInteger(v);
    case "strings":
      return Array.isArray(v) && v.every((x) => typeof x === "string");
    case "strslice":
      return typeof v === "string" || (Array.isArray(v) && v.every((x) => typeof x === "string"));
    case "strmap":
      return isObject(v) && Object.values(v).every((x) => typeof x === "string");
    case "set":
    case "object":
      return isObject(v);
    case "objects":
      return Array.isArray(v) && v.every(isObject);
  }
}

function checkFields(
  where: string,
  body: Record<string, unknown>,
  fields: Record<string, Kind>,
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...body };
  for (const [key, kind] of Object.entries(fields)) {
    const v = body[key];
    if (v === undefined || v === null) continue;
    if (!fits(kind, v)) {
      throw invalidArgument(
        "INVALID_JSON",
        `json: cannot unmarshal ${jsonType(v)} into Go struct field ${where}.${key} of type ${GO_TYPE[kind]}`,
      );
    }
    // strslice.StrSlice also takes a single string.
    if (kind === "strslice" && typeof v === "string") out[key] = [v];
  }
  return out;
}

/** Checks the body of POST /containers/create; the backend validates the values themselves. */
export function parseCreateRequest(body: unknown): ContainerCreateRequest {
  if (body === undefined) throw invalidArgument("INVALID_JSON", "invalid JSON: request body is empty");
  if (!isObject(body)) {
    throw invalidArgument(
      "INVALID_JSON",
      `json: cannot unmarshal ${jsonType(body)} into Go value of type container.CreateRequest`,
    );
  }
  const request = checkFields("CreateRequest", body, CONFIG_FIELDS);
  if (isObject(request.HostConfig)) {
    const hc = checkFields("CreateRequest.HostConfig", request.HostConfig, HOST_CONFIG_FIELDS);
    const rp = hc.RestartPolicy;
    if (isObject(rp)) {
      checkFields("CreateRequest.HostConfig.RestartPolicy", rp, { Name: "string", MaximumRetryCount: "int" });
    }
    request.HostConfig = hc;
  }
  return request as ContainerCreateRequest;
}

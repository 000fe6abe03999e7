// POST /containers/{id}/update (swagger.yaml "ContainerUpdate"): new resource limits and restart
// policy for a container; the body is swagger "Resources" plus RestartPolicy.
import { invalidArgument } from "../../lib/index.ts";
import type { RestartPolicy } from "../types/index.ts";
import type { Router } from "./router.ts";

export interface ContainerUpdateBody {
  Memory?: number;
  MemorySwap?: number;
  MemoryReservation?: number;
  NanoCpus?: number;
  CpuShares?: number;
  CpuPeriod?: number;
  CpuQuota?: number;
  CpusetCpus?: string;
  CpusetMems?: string;
  PidsLimit?: number | null;
  BlkioWeight?: number;
  RestartPolicy?: RestartPolicy | null;
}

export interface ContainerUpdateBackend {
  updateContainer(ref: string, request: ContainerUpdateBody): Promise<{ Warnings: string[] }>;
}

const INT_FIELDS = [
  "Memory",
  "MemorySwap",
  "MemoryReservation",
  "NanoCpus",
  "CpuShares",
  "CpuPeriod",
  "CpuQuota",
  "PidsLimit",
  "BlkioWeight",
] as const;
const STRING_FIELDS = ["CpusetCpus", "CpusetMems"] as const;

function goType(v: unknown): string {
  if (Array.isArray(v)) return "array";
  if (typeof v === "boolean") return "bool";
  return typeof v;
}

/** The fields berth applies, type-checked with encoding/json's wording; others are ignored. */
export function parseUpdateBody(body: unknown): ContainerUpdateBody {
  if (body === undefined || body === null) return {};
  if (typeof body !== "object" || Array.isArray(body))
    throw invalidArgument(
      "INVALID_JSON",
      `json: cannot unmarshal ${goType(body)} into Go value of type container.UpdateConfig`,
    );
  const b = body as Record<string, unknown>;
  const out: ContainerUpdateBody = {};
  const bad = (key: string, type: string): never => {
    throw invalidArgument(
      "INVALID_JSON",
      `json: cannot unmarshal ${goType(b[key])} into Go struct field UpdateConfig.${key} of type ${type}`,
    );
  };
  for (const key of INT_FIELDS) {
    const v = b[key];
    if (v === undefined || v === null) continue;
    if (typeof v !== "number" || !Number.isInteger(v)) bad(key, "int64");
    out[key] = v as number;
  }
  for (const key of STRING_FIELDS) {
    const v = b[key];
    if (v === undefined || v === null) continue;
    if (typeof v !== "string") bad(key, "string");
    out[key] = v as string;
  }
  const policy = b["RestartPolicy"];
  if (policy !== undefined && policy !== null) {
    if (typeof policy !== "object" || Array.isArray(policy)) bad("RestartPolicy", "container.RestartPolicy");
    const p = policy as Record<string, unknown>;
    const name = p["Name"] ?? "";
    const retries = p["MaximumRetryCount"] ?? 0;
    if (typeof name !== "string") bad("RestartPolicy", "container.RestartPolicyMode");
    if (typeof retries !== "number" || !Number.isInteger(retries)) bad("RestartPolicy", "int");
    out.RestartPolicy = { Name: name as RestartPolicy["Name"], MaximumRetryCount: retries as number };
  }
  return out;
}

export function addContainerUpdateRoute(router: Router, backend: ContainerUpdateBackend): void {
  router.add("POST", "/containers/{id}/update", async (ctx) => {
    const body = parseUpdateBody(await ctx.readJson<unknown>());
    ctx.json(200, await backend.updateContainer(ctx.param("id"), body));
  });
}

// /volumes/* routes (swagger.yaml tag "Volume"). Handlers only parse the request and call the backend.
import { invalidArgument } from "../../lib/index.ts";
import type { Volume, VolumeCreateOptions, VolumeListResponse, VolumePruneReport } from "../types/index.ts";
import { type Filters, parseFilters } from "./filters.ts";
import type { Router } from "./router.ts";

/** What the volume routes need from the daemon. */
export interface VolumeBackend {
  listVolumes(filters: Filters): Promise<VolumeListResponse>;
  createVolume(options: VolumeCreateOptions): Promise<Volume>;
  inspectVolume(name: string): Promise<Volume>;
  removeVolume(name: string, force: boolean): Promise<void>;
  /** `all` is true for API < 1.42, where prune removed named volumes too. */
  pruneVolumes(filters: Filters, all: boolean): Promise<VolumePruneReport>;
}

const LIST_FILTERS = ["name", "label", "dangling", "driver"] as const;
const PRUNE_FILTERS = ["label", "label!", "all"] as const;

export function addVolumeRoutes(router: Router, backend: VolumeBackend): void {
  router.add("GET", "/volumes", async (ctx) => {
    ctx.json(200, await backend.listVolumes(parseFilters(ctx.query.get("filters"), LIST_FILTERS)));
  });
  router.add("POST", "/volumes/create", async (ctx) => {
    const body = (await ctx.readJson<unknown>()) ?? {};
    ctx.json(201, await backend.createVolume(createOptions(body)));
  });
  router.add("POST", "/volumes/prune", async (ctx) => {
    const filters = parseFilters(ctx.query.get("filters"), PRUNE_FILTERS);
    ctx.json(200, await backend.pruneVolumes(filters, !ctx.versionAtLeast("1.42")));
  });
  router.add("GET", "/volumes/{name}", async (ctx) => {
    ctx.json(200, await backend.inspectVolume(ctx.param("name")));
  });
  router.add("DELETE", "/volumes/{name}", async (ctx) => {
    await backend.removeVolume(ctx.param("name"), ctx.boolQuery("force"));
    ctx.noContent(204);
  });
}

// Checks the JSON types a Go server's decoder would refuse.
function createOptions(body: unknown): VolumeCreateOptions {
  if (body === null || typeof body !== "object" || Array.isArray(body)) {
    throw invalidArgument("INVALID_JSON", "invalid JSON: expected an object");
  }
  const b = body as Record<string, unknown>;
  const out: VolumeCreateOptions = {};
  for (const key of ["Name", "Driver"] as const) {
    const v = b[key];
    if (v === undefined || v === null) continue;
    if (typeof v !== "string") throw invalidArgument("INVALID_JSON", `invalid JSON: ${key} must be a string`);
    out[key] = v;
  }
  for (const key of ["DriverOpts", "Labels"] as const) {
    const v = b[key];
    if (v === undefined || v === null) continue;
    if (typeof v !== "object" || Array.isArray(v) || Object.values(v).some((x) => typeof x !== "string")) {
      throw invalidArgument("INVALID_JSON", `invalid JSON: ${key} must map strings to strings`);
    }
    out[key] = v as Record<string, string>;
  }
  return out;
}

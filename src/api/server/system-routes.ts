// /_ping, /version, /info, /system/df.
import { API_VERSION } from "../types/index.ts";
import type { SystemBackend } from "./backend.ts";
import type { RequestContext } from "./request-context.ts";
import type { Router } from "./router.ts";

export function addSystemRoutes(router: Router, backend: SystemBackend): void {
  const ping = (ctx: RequestContext): void => {
    ctx.text(200, "OK", {
      "Api-Version": API_VERSION,
      "Builder-Version": "1",
      "Docker-Experimental": "false",
      Ostype: "linux",
      Swarm: "inactive",
      "Cache-Control": "no-cache, no-store, must-revalidate",
      Pragma: "no-cache",
    });
  };
  router.add("GET", "/_ping", ping);
  router.add("HEAD", "/_ping", ping);
  router.add("GET", "/version", async (ctx) => ctx.json(200, await backend.version()));
  router.add("GET", "/info", async (ctx) => ctx.json(200, await backend.info()));
  router.add("GET", "/system/df", async (ctx) => {
    const types = new Set(ctx.query.getAll("type"));
    ctx.json(200, await backend.dataUsage(types));
  });
}

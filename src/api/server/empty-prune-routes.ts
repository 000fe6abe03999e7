// `docker system prune` calls every prune endpoint. Until a daemon has user networks or a build
// cache there is nothing to prune there: these answer with empty reports (swagger
// NetworkPruneResponse, BuildCachePruneResponse). Registered last, only where no real handler
// was added, so the network and build backends take over when present.
import type { Router } from "./router.ts";

export function addEmptyPruneRoutes(router: Router): void {
  if (!router.has("POST", "/networks/prune")) {
    router.add("POST", "/networks/prune", (ctx) => ctx.json(200, { NetworksDeleted: [] }));
  }
  if (!router.has("POST", "/build/prune")) {
    router.add("POST", "/build/prune", (ctx) => ctx.json(200, { CachesDeleted: [], SpaceReclaimed: 0 }));
  }
}

// POST /containers/{id}/resize (swagger.yaml "ContainerResize"): the pty size of a container
// started with a TTY; h and w checked as for an exec.
import { ttySize } from "./exec-routes.ts";
import type { Router } from "./router.ts";

export interface ContainerResizeBackend {
  resizeContainer(ref: string, height: number, width: number): Promise<void>;
}

export function addContainerResizeRoute(router: Router, backend: ContainerResizeBackend): void {
  router.add("POST", "/containers/{id}/resize", async (ctx) => {
    const h = ttySize(ctx.query.get("h"), "height");
    const w = ttySize(ctx.query.get("w"), "width");
    await backend.resizeContainer(ctx.param("id"), h, w);
    ctx.noContent(200);
  });
}

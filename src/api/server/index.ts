export * from "./api-server.ts";
export * from "./backend.ts";
export * from "./error-status.ts";
export * from "./filters.ts";
export * from "./image-routes.ts";
export * from "./router.ts";
export * from "./system-routes.ts";
export type { RequestContext } from "./request-context.ts";
export * from "./volume-routes.ts";

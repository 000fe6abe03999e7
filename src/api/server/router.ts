// Route table: method + path template -> handler. Templates use `{name}` for one segment and
// `{name*}` for a greedy match (image names contain slashes: /images/{name*}/json).
// Routes are tried in registration order, as gorilla/mux does in moby, so register
// fixed paths (/images/json) before templated ones (/images/{name*}/json).
import type { RequestContext } from "./request-context.ts";

export type Handler = (ctx: RequestContext) => Promise<void> | void;

interface Route {
  method: string;
  template: string;
  regex: RegExp;
  names: string[];
  handler: Handler;
}

export interface RouteMatch {
  handler: Handler;
  params: Record<string, string>;
  template: string;
}

export class Router {
  private readonly routes: Route[] = [];

  add(method: string, template: string, handler: Handler): this {
    const names: string[] = [];
    const pattern = template
      .replace(/[.+?^$()|[\]\\]/g, "\\$&")
      .replace(/\{(\w+)(\*?)\}/g, (_m, name: string, star: string) => {
        names.push(name);
        return star ? "(.+)" : "([^/]+)";
      });
    this.routes.push({ method, template, regex: new RegExp(`^${pattern}$`), names, handler });
    return this;
  }

  /** True if exactly this method and template were added. */
  has(method: string, template: string): boolean {
    return this.routes.some((r) => r.method === method && r.template === template);
  }

  /** Returns the matching route, "method" when only the method differs, or null. */
  match(method: string, path: string): RouteMatch | "method" | null {
    let pathMatched = false;
    for (const route of this.routes) {
      const m = route.regex.exec(path);
      if (!m) continue;
      pathMatched = true;
      if (route.method !== method && !(method === "HEAD" && route.method === "GET")) continue;
      const params: Record<string, string> = {};
      route.names.forEach((name, i) => {
        params[name] = decodeURIComponent(m[i + 1] ?? "");
      });
      return { handler: route.handler, params, template: route.template };
    }
    return pathMatched ? "method" : null;
  }
}

// /networks/* routes (swagger.yaml tag "Network"). Handlers only parse the request and call the backend.
import { invalidArgument } from "../../lib/index.ts";
import { type Filters, parseFilters } from "./filters.ts";
import type { Router } from "./router.ts";

export interface NetworkCreateBody {
  Name: string;
  Driver?: string;
  Internal?: boolean;
  EnableIPv6?: boolean;
  Labels?: Record<string, string>;
  Options?: Record<string, string>;
  IPAM?: { Driver?: string; Config?: { Subnet?: string; Gateway?: string; IPRange?: string }[] | null };
}

export interface NetworkConnectBody {
  Container: string;
  EndpointConfig?: {
    IPAMConfig?: { IPv4Address?: string; IPv6Address?: string } | null;
    Aliases?: string[] | null;
  } | null;
  Force?: boolean;
}

/** What the network routes need from the daemon. */
export interface NetworkBackend {
  listNetworks(filters: Filters): Promise<unknown[]>;
  inspectNetwork(ref: string): Promise<unknown>;
  createNetwork(body: NetworkCreateBody): Promise<{ Id: string; Warning: string }>;
  removeNetwork(ref: string): Promise<void>;
  pruneNetworks(filters: Filters): Promise<{ NetworksDeleted: string[] }>;
  connect(ref: string, body: NetworkConnectBody): Promise<void>;
  disconnect(ref: string, body: NetworkConnectBody): Promise<void>;
}

const LIST_FILTERS = ["name", "id", "label", "driver", "type", "scope", "dangling"] as const;

function object(body: unknown): Record<string, unknown> {
  if (body === null || typeof body !== "object" || Array.isArray(body)) {
    throw invalidArgument("INVALID_JSON", "invalid JSON: expected an object");
  }
  return body as Record<string, unknown>;
}

export function addNetworkRoutes(router: Router, backend: NetworkBackend): void {
  router.add("GET", "/networks", async (ctx) => {
    ctx.json(200, await backend.listNetworks(parseFilters(ctx.query.get("filters"), LIST_FILTERS)));
  });
  router.add("POST", "/networks/create", async (ctx) => {
    const body = object((await ctx.readJson<unknown>()) ?? {});
    if (typeof body.Name !== "string" || body.Name === "") {
      throw invalidArgument("INVALID_NETWORK_NAME", "network name must not be empty");
    }
    ctx.json(201, await backend.createNetwork(body as unknown as NetworkCreateBody));
  });
  router.add("POST", "/networks/prune", async (ctx) => {
    ctx.json(
      200,
      await backend.pruneNetworks(parseFilters(ctx.query.get("filters"), ["label", "label!", "until"])),
    );
  });
  router.add("GET", "/networks/{id}", async (ctx) => {
    ctx.json(200, await backend.inspectNetwork(ctx.param("id")));
  });
  router.add("DELETE", "/networks/{id}", async (ctx) => {
    await backend.removeNetwork(ctx.param("id"));
    ctx.noContent(204);
  });
  router.add("POST", "/networks/{id}/connect", async (ctx) => {
    await backend.connect(
      ctx.param("id"),
      object((await ctx.readJson<unknown>()) ?? {}) as unknown as NetworkConnectBody,
    );
    ctx.json(200, null);
  });
  router.add("POST", "/networks/{id}/disconnect", async (ctx) => {
    await backend.disconnect(
      ctx.param("id"),
      object((await ctx.readJson<unknown>()) ?? {}) as unknown as NetworkConnectBody,
    );
    ctx.json(200, null);
  });
}

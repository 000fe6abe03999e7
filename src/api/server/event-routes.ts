// GET /events: a stream of JSON event objects, one per line (swagger "System Events").
import { invalidArgument } from "../../lib/index.ts";
import type { EventMessage } from "../types/index.ts";
import { withLegacyEventFields } from "./event-legacy-fields.ts";
import { type Filters, parseFilters } from "./filters.ts";
import type { Router } from "./router.ts";

export interface EventBackend {
  events(
    filters: Filters,
    sinceNano: number | undefined,
    untilNano: number | undefined,
    signal: AbortSignal,
  ): AsyncIterable<EventMessage>;
}

const EVENT_FILTERS = [
  "container",
  "event",
  "image",
  "label",
  "type",
  "volume",
  "network",
  "daemon",
  "scope",
] as const;

export function addEventRoutes(router: Router, backend: EventBackend): void {
  router.add("GET", "/events", async (ctx) => {
    const filters = parseFilters(ctx.query.get("filters"), EVENT_FILTERS);
    const since = eventTime("since", ctx.query.get("since"));
    const until = eventTime("until", ctx.query.get("until"));
    const legacy = !ctx.versionAtLeast("1.52");
    const abort = new AbortController();
    ctx.res.on("close", () => abort.abort());
    ctx.res.writeHead(200, { "Content-Type": "application/json" });
    ctx.res.flushHeaders();
    for await (const event of backend.events(filters, since, until, abort.signal)) {
      ctx.res.write(JSON.stringify(legacy ? withLegacyEventFields(event) : event) + "\n");
    }
    ctx.res.end();
  });
}

/** Docker's event times: Unix seconds with an optional fraction, or RFC 3339; in nanoseconds. */
function eventTime(key: string, value: string | null): number | undefined {
  if (value === null || value === "") return undefined;
  const m = /^(\d+)(?:\.(\d{1,9}))?$/.exec(value);
  if (m) return Number(m[1]) * 1e9 + Number((m[2] ?? "").padEnd(9, "0"));
  const t = Date.parse(value);
  if (Number.isNaN(t)) throw invalidArgument("INVALID_TIME", `invalid value for "${key}": ${value}`);
  return t * 1e6;
}

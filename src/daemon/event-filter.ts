// The filters of GET /events (docker events --filter): each key's values are alternatives, and
// every key given must match.
import type { Filters } from "../api/server/index.ts";
import type { EventMessage } from "../api/types/index.ts";
import type { EventFilter } from "./event-log.ts";

export function eventFilter(filters: Filters): EventFilter {
  const checks: EventFilter[] = [];
  const any = (key: string, match: (value: string, e: EventMessage) => boolean): void => {
    const values = filters.get(key);
    if (values && values.length > 0) checks.push((e) => values.some((v) => match(v, e)));
  };
  any("type", (v, e) => e.Type === v);
  any("event", (v, e) => e.Action === v || e.Action.startsWith(`${v}:`));
  const actor = (type: EventMessage["Type"]) => (v: string, e: EventMessage) =>
    e.Type === type && (e.Actor.ID === v || e.Actor.ID.startsWith(v) || e.Actor.Attributes.name === v);
  any("container", actor("container"));
  any("volume", actor("volume"));
  any("network", actor("network"));
  any("image", (v, e) =>
    e.Type === "image" ? e.Actor.ID === v || e.Actor.Attributes.name === v : e.Actor.Attributes.image === v,
  );
  any("label", (v, e) => {
    const eq = v.indexOf("=");
    const key = eq < 0 ? v : v.slice(0, eq);
    return key in e.Actor.Attributes && (eq < 0 || e.Actor.Attributes[key] === v.slice(eq + 1));
  });
  any("scope", (v) => v === "local");
  return (e) => checks.every((check) => check(e));
}

// The pre-1.22 event fields `status`, `id` and `from`, which dockerd kept sending for container
// and image events until API v1.52 (CHANGELOG v1.52: "GET /events no longer includes the
// deprecated status, id, and from fields"). docker-compose 1.29 reads `event['id']`.
import type { EventMessage } from "../types/index.ts";

export interface LegacyEventFields {
  status?: string;
  id?: string;
  from?: string;
}

/** `event` with the legacy fields first (dockerd's order), for container and image events. */
export function withLegacyEventFields(event: EventMessage): EventMessage & LegacyEventFields {
  if (event.Type === "container") {
    const from = event.Actor.Attributes.image;
    return {
      status: event.Action,
      id: event.Actor.ID,
      ...(from === undefined ? {} : { from }),
      ...event,
    };
  }
  if (event.Type === "image") return { status: event.Action, id: event.Actor.ID, ...event };
  return event;
}

// An Engine API event as docker/cli's events command sees it: events.Message with its Go field
// names for templates, its JSON tags for {{json .}}, and the default one-line rendering.
import { goStruct } from "./go-template.ts";
import { formatRFC3339, localOffsetSeconds } from "./go-time.ts";

export class EventMessage {
  Status = "";
  ID = "";
  From = "";
  Type = "";
  Action = "";
  Actor: { ID: string; Attributes: Record<string, string> };
  Scope = "";
  Time = 0;
  /** Exact: JSON numbers lose digits at 10^18. */
  TimeNano = 0n;

  /** One NDJSON line of GET /events. */
  constructor(line: string) {
    const raw = JSON.parse(line) as Record<string, unknown>;
    const str = (k: string): string => (typeof raw[k] === "string" ? raw[k] : "");
    this.Status = str("status");
    this.ID = str("id");
    this.From = str("from");
    this.Type = str("Type");
    this.Action = str("Action");
    const actor = (raw.Actor ?? {}) as { ID?: string; Attributes?: Record<string, string> | null };
    this.Actor = goStruct("events.Actor", { ID: actor.ID ?? "", Attributes: actor.Attributes ?? {} });
    this.Scope = str("scope");
    this.Time = typeof raw.time === "number" ? raw.time : 0;
    const nano = /"timeNano"\s*:\s*(\d+)/.exec(line)?.[1];
    this.TimeNano = nano !== undefined ? BigInt(nano) : 0n;
    goStruct("events.Message", this);
  }

  /** encoding/json of events.Message: omitempty on status, id, from, time and timeNano. */
  toJSON(): Record<string, unknown> {
    return {
      ...(this.Status !== "" && { status: this.Status }),
      ...(this.ID !== "" && { id: this.ID }),
      ...(this.From !== "" && { from: this.From }),
      Type: this.Type,
      Action: this.Action,
      Actor: { ID: this.Actor.ID, Attributes: this.Actor.Attributes },
      scope: this.Scope,
      ...(this.Time !== 0 && { time: this.Time }),
      ...(this.TimeNano !== 0n && { timeNano: this.TimeNano }),
    };
  }
}

/** "2006-01-02T15:04:05Z07:00" -> ["2006-01-02T15:04:05", "Z07:00"]. */
function splitZone(rfc3339: string): [string, string] {
  return [rfc3339.slice(0, 19), rfc3339.slice(19)];
}

/**
 * docker/cli system/events.go prettyPrintEvent: "<RFC3339NanoFixed local time> <type> <action> <actor>"
 * then the attributes sorted by key in parentheses.
 */
export function prettyEvent(e: EventMessage): string {
  let out = "";
  const nanos = e.TimeNano !== 0n ? e.TimeNano : BigInt(e.Time) * 1_000_000_000n;
  if (nanos !== 0n) {
    const seconds = Number(nanos / 1_000_000_000n);
    // jsonmessage.RFC3339NanoFixed: always nine fraction digits.
    const offset = localOffsetSeconds(seconds * 1000);
    const fraction = String(nanos % 1_000_000_000n).padStart(9, "0");
    const [date, zone] = splitZone(formatRFC3339({ seconds, nanos: 0 }, offset));
    out += `${date}.${fraction}${zone} `;
  }
  out += `${e.Type} ${e.Action} ${e.Actor.ID}`;
  const keys = Object.keys(e.Actor.Attributes).sort();
  if (keys.length > 0) out += ` (${keys.map((k) => `${k}=${e.Actor.Attributes[k] ?? ""}`).join(", ")})`;
  return `${out}\n`;
}

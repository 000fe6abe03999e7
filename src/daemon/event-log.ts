// The daemon's event stream (GET /events): every action is published here; subscribers get the
// recent past (a bounded in-memory ring, as dockerd keeps) from `since`, then live events until
// `until` or until they leave.
import { EventEmitter } from "node:events";
import type { EventMessage } from "../api/types/index.ts";

const KEEP = 1024;

export type EventFilter = (event: EventMessage) => boolean;

export class EventLog {
  private readonly recent: EventMessage[] = [];
  private readonly live = new EventEmitter();

  constructor() {
    this.live.setMaxListeners(0);
  }

  publish(
    type: EventMessage["Type"],
    action: string,
    id: string,
    attributes: Record<string, string> = {},
  ): void {
    const nanos = BigInt(Date.now()) * 1_000_000n;
    const event: EventMessage = {
      Type: type,
      Action: action,
      Actor: { ID: id, Attributes: attributes },
      scope: "local",
      time: Number(nanos / 1_000_000_000n),
      timeNano: Number(nanos),
    };
    this.recent.push(event);
    if (this.recent.length > KEEP) this.recent.shift();
    this.live.emit("event", event);
  }

  /**
   * Events matching `filter`: past ones from `sinceNano`, then live ones until `untilNano` (or
   * until `signal` aborts). Without a since, only live events; an until in the past ends at once.
   */
  async *subscribe(
    filter: EventFilter,
    sinceNano: number | undefined,
    untilNano: number | undefined,
    signal: AbortSignal,
  ): AsyncGenerator<EventMessage> {
    const queue: EventMessage[] = [];
    let wake: (() => void) | undefined;
    const onEvent = (e: EventMessage): void => {
      queue.push(e);
      wake?.();
    };
    this.live.on("event", onEvent);
    const onAbort = (): void => wake?.();
    signal.addEventListener("abort", onAbort);
    try {
      const past = sinceNano === undefined ? [] : this.recent.filter((e) => e.timeNano >= sinceNano);
      queue.unshift(...past.filter((e) => !queue.includes(e)));
      while (!signal.aborted) {
        const event = queue.shift();
        if (event === undefined) {
          const left = untilNano === undefined ? undefined : untilNano / 1e6 - Date.now();
          if (left !== undefined && left <= 0) return;
          // Each wait arms its own timer: one can fire a little early (the event loop's
          // cached clock), and a single timer woken early would leave the stream open.
          const timer = left === undefined ? undefined : setTimeout(() => wake?.(), Math.ceil(left));
          await new Promise<void>((resolve) => (wake = resolve));
          clearTimeout(timer);
          wake = undefined;
          continue;
        }
        if (untilNano !== undefined && event.timeNano > untilNano) return;
        if (filter(event)) yield event;
      }
    } finally {
      this.live.off("event", onEvent);
      signal.removeEventListener("abort", onAbort);
    }
  }
}

// moby's containerStop signals through killWithSignal, which logs a "kill" event with the
// signal's number for each signal (the stop signal, then SIGKILL after the timeout): `docker
// events` shows kill, [kill,] die, stop for a `docker stop`, and compose waits on them.
import type { EventEmitter } from "node:events";
import { parseSignal } from "../container/index.ts";
import { containerEventAttributes } from "./container-event-attributes.ts";
import type { EventLog } from "./event-log.ts";

export function publishStopKillEvents(
  lifecycleEvents: EventEmitter,
  store: { get(id: string): Parameters<typeof containerEventAttributes>[0] | undefined },
  events: EventLog,
): void {
  lifecycleEvents.on("stop-signal", (id: string, signal: string) => {
    let number: number;
    try {
      number = parseSignal(signal);
    } catch {
      return; // a stop signal stored before signals were checked: runc refused it anyway
    }
    const c = store.get(id);
    const attributes = c ? containerEventAttributes(c) : {};
    events.publish("container", "kill", id, { ...attributes, signal: String(number) });
  });
}

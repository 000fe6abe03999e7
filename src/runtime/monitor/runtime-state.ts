// The JSON `runc state` and `runc list --format json` print, checked at the boundary.
import { internal } from "../../lib/index.ts";

/** runc adds "creating" to the OCI runtime-spec statuses while `create` is in progress. */
export type RuntimeStatus = "creating" | "created" | "running" | "paused" | "stopped";

export interface RuntimeState {
  readonly id: string;
  /** 0 once the container is stopped. */
  readonly pid: number;
  readonly status: RuntimeStatus;
  readonly bundle: string;
  /** RFC 3339 time runc created the container. */
  readonly created: string;
}

const STATUSES: ReadonlySet<string> = new Set(["creating", "created", "running", "paused", "stopped"]);

export function parseRuntimeState(value: unknown): RuntimeState {
  if (typeof value !== "object" || value === null) throw badState("not an object");
  const { id, pid, status, bundle, created } = value as Record<string, unknown>;
  if (typeof id !== "string") throw badState("id is not a string");
  if (typeof pid !== "number") throw badState("pid is not a number");
  if (typeof status !== "string" || !STATUSES.has(status)) throw badState(`unknown status ${String(status)}`);
  return {
    id,
    pid,
    status: status as RuntimeStatus,
    bundle: typeof bundle === "string" ? bundle : "",
    created: typeof created === "string" ? created : "",
  };
}

/** `runc list --format json` prints `null` when there is no container. */
export function parseRuntimeList(value: unknown): RuntimeState[] {
  if (value === null) return [];
  if (!Array.isArray(value)) throw badState("list output is not an array");
  return value.map(parseRuntimeState);
}

function badState(why: string) {
  return internal("RUNTIME_BAD_STATE", `unexpected runtime state output: ${why}`);
}

// A container's lifecycle state as Docker reports it (swagger ContainerState), and the one-line
// Status text of `docker ps` (moby container/state.go String()).
import { humanDuration } from "../lib/index.ts";
import { type Health, healthText } from "./health.ts";

export type ContainerStatus =
  "created" | "running" | "paused" | "restarting" | "removing" | "exited" | "dead";

export const CONTAINER_STATUSES: readonly ContainerStatus[] = [
  "created",
  "running",
  "paused",
  "restarting",
  "removing",
  "exited",
  "dead",
];

/** Go's zero time, which Docker prints for StartedAt/FinishedAt never set. */
export const ZERO_TIME = "0001-01-01T00:00:00Z";

export interface ContainerState {
  Status: ContainerStatus;
  Running: boolean;
  Paused: boolean;
  Restarting: boolean;
  OOMKilled: boolean;
  Dead: boolean;
  Pid: number;
  ExitCode: number;
  Error: string;
  StartedAt: string;
  FinishedAt: string;
  /** Present only for containers with a healthcheck. */
  Health?: Health;
}

export function initialState(): ContainerState {
  return {
    Status: "created",
    Running: false,
    Paused: false,
    Restarting: false,
    OOMKilled: false,
    Dead: false,
    Pid: 0,
    ExitCode: 0,
    Error: "",
    StartedAt: ZERO_TIME,
    FinishedAt: ZERO_TIME,
  };
}

/** True for states a prune or a non-forced remove may take away. */
export function isStopped(state: ContainerState): boolean {
  return !state.Running && !state.Paused && !state.Restarting && state.Status !== "removing";
}

/** moby State.String(): "Up 5 seconds", "Exited (0) 5 seconds ago", "Created", ... */
export function statusText(state: ContainerState, now = Date.now()): string {
  const since = (iso: string): string => humanDuration(now - Date.parse(iso));
  if (state.Running) {
    if (state.Paused) return `Up ${since(state.StartedAt)} (Paused)`;
    if (state.Restarting) return `Restarting (${state.ExitCode}) ${since(state.FinishedAt)} ago`;
    if (state.Health) return `Up ${since(state.StartedAt)} (${healthText(state.Health)})`;
    return `Up ${since(state.StartedAt)}`;
  }
  if (state.Status === "removing") return "Removal In Progress";
  if (state.Dead) return "Dead";
  if (state.StartedAt === ZERO_TIME) return "Created";
  if (state.FinishedAt === ZERO_TIME) return "";
  return `Exited (${state.ExitCode}) ${since(state.FinishedAt)} ago`;
}

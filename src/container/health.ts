// Container healthchecks as Docker runs them (moby daemon/health.go, container/health.go):
// the effective probe of a Config.Healthcheck, its timings with Docker's defaults, and how one
// probe result moves the Health state (swagger Health, HealthcheckResult).
import { invalidArgument } from "../lib/index.ts";

export type HealthStatus = "starting" | "healthy" | "unhealthy";

/** swagger HealthcheckResult. */
export interface HealthcheckResult {
  Start: string;
  End: string;
  ExitCode: number;
  Output: string;
}

/** swagger Health, stored in the container's State. */
export interface Health {
  Status: HealthStatus;
  FailingStreak: number;
  Log: HealthcheckResult[];
}

/** Config.Healthcheck (durations in nanoseconds, as Go's time.Duration). */
export interface HealthcheckConfig {
  Test?: string[];
  Interval?: number;
  Timeout?: number;
  StartPeriod?: number;
  StartInterval?: number;
  Retries?: number;
}

export interface ProbePlan {
  /** The argv run in the container. */
  argv: string[];
  intervalMs: number;
  timeoutMs: number;
  startPeriodMs: number;
  startIntervalMs: number;
  retries: number;
}

/** moby's defaults: 30 s interval and timeout, 5 s start interval, no start period, 3 retries. */
const DEFAULT_INTERVAL_MS = 30_000;
const DEFAULT_TIMEOUT_MS = 30_000;
const DEFAULT_START_INTERVAL_MS = 5_000;
const DEFAULT_RETRIES = 3;
/** moby maxLogEntries and maxOutputLen. */
export const HEALTH_LOG_ENTRIES = 5;
export const HEALTH_OUTPUT_MAX = 4096;
/** containertypes.MinimumDuration. */
const MINIMUM_NS = 1_000_000;

const ms = (ns: number | undefined, fallback: number): number =>
  ns === undefined || ns <= 0 ? fallback : ns / 1_000_000;

/**
 * The probe a container runs, or undefined when it has none: no Healthcheck, an empty Test, or
 * ["NONE"] (--no-healthcheck). CMD-SHELL runs through the container's Shell or /bin/sh -c.
 */
export function probePlan(h: HealthcheckConfig | undefined, shell?: string[] | null): ProbePlan | undefined {
  const test = h?.Test ?? [];
  if (h === undefined || test.length === 0) return undefined;
  const [kind, ...rest] = test;
  let argv: string[];
  if (kind === "NONE") return undefined;
  else if (kind === "CMD") argv = rest;
  else if (kind === "CMD-SHELL")
    argv = [...(shell && shell.length > 0 ? shell : ["/bin/sh", "-c"]), rest.join(" ")];
  else return undefined; // moby: "Unknown healthcheck type" — no probe
  if (argv.length === 0) return undefined;
  return {
    argv,
    intervalMs: ms(h.Interval, DEFAULT_INTERVAL_MS),
    timeoutMs: ms(h.Timeout, DEFAULT_TIMEOUT_MS),
    startPeriodMs: ms(h.StartPeriod, 0),
    startIntervalMs: ms(h.StartInterval, DEFAULT_START_INTERVAL_MS),
    retries: h.Retries !== undefined && h.Retries > 0 ? h.Retries : DEFAULT_RETRIES,
  };
}

/** moby verifyContainerSettings' Healthcheck checks, with its wording. */
export function validateHealthcheck(h: HealthcheckConfig | undefined): void {
  if (!h) return;
  const check = (value: number | undefined, field: string): void => {
    // JSON null (docker-compose 1.29 sends "StartPeriod": null) counts as unset, as in Go.
    if (typeof value === "number" && value !== 0 && value < MINIMUM_NS)
      throw invalidArgument("INVALID_HEALTHCHECK", `${field} in Healthcheck cannot be less than 1ms`);
  };
  check(h.Interval, "Interval");
  check(h.Timeout, "Timeout");
  check(h.StartPeriod, "StartPeriod");
  check(h.StartInterval, "StartInterval");
  if (h.Retries !== undefined && h.Retries < 0)
    throw invalidArgument("INVALID_HEALTHCHECK", "Retries in Healthcheck cannot be negative");
}

/** The state a (re)started container begins with: starting, streak reset, log kept. */
export function startingHealth(previous: Health | undefined): Health {
  return { Status: "starting", FailingStreak: 0, Log: previous?.Log ?? [] };
}

/** The delay before the next probe: the start interval while starting within the start period. */
export function nextProbeDelay(plan: ProbePlan, health: Health, startedAtMs: number, nowMs: number): number {
  if (nowMs - startedAtMs >= plan.startPeriodMs) return plan.intervalMs;
  return health.Status === "starting" ? plan.startIntervalMs : plan.intervalMs;
}

/** moby handleProbeResult: appends to the log (last 5) and updates streak and status. */
export function applyProbeResult(
  plan: ProbePlan,
  health: Health,
  result: HealthcheckResult,
  startedAtMs: number,
): Health {
  const log = [...health.Log, result].slice(-HEALTH_LOG_ENTRIES);
  if (result.ExitCode === 0) return { Status: "healthy", FailingStreak: 0, Log: log };
  // Failures while still starting inside the start period do not count.
  if (health.Status === "starting" && Date.parse(result.Start) - startedAtMs < plan.startPeriodMs)
    return { ...health, Log: log };
  const streak = health.FailingStreak + 1;
  return { Status: streak >= plan.retries ? "unhealthy" : health.Status, FailingStreak: streak, Log: log };
}

/** moby Health.String(): what `docker ps` shows in parentheses. */
export function healthText(health: Health): string {
  return health.Status === "starting" ? "health: starting" : health.Status;
}

/** Go's time.Duration String() for whole milliseconds and up ("30s", "200ms", "1m30s"). */
export function goDuration(msValue: number): string {
  if (msValue < 1000) return `${msValue}ms`;
  let s = msValue / 1000;
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  const sec = `${Number(s.toFixed(3))}s`;
  return `${h > 0 ? `${h}h` : ""}${h > 0 || m > 0 ? `${m}m` : ""}${sec}`;
}

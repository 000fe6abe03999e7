// Docker's restart policies (docker run --restart, moby restartmanager): whether an exited
// container comes back, and after how long. The delay starts at 100 ms and doubles per restart
// up to a minute; a run of 10 s or more resets it.
import type { RestartPolicy } from "../api/types/index.ts";

const INITIAL_DELAY_MS = 100;
const MAX_DELAY_MS = 60_000;
const RESET_AFTER_MS = 10_000;

export interface RestartDecision {
  restart: boolean;
  /** Delay before the restart, when restarting. */
  delayMs: number;
}

export function decideRestart(
  policy: RestartPolicy | undefined,
  exitCode: number,
  restartCount: number,
  manuallyStopped: boolean,
  previousDelayMs: number,
  ranForMs: number,
): RestartDecision {
  const name = policy?.Name ?? "";
  const max = policy?.MaximumRetryCount ?? 0;
  const wanted =
    !manuallyStopped &&
    (name === "always" ||
      name === "unless-stopped" ||
      (name === "on-failure" && exitCode !== 0 && (max === 0 || restartCount < max)));
  if (!wanted) return { restart: false, delayMs: 0 };
  const delayMs =
    ranForMs >= RESET_AFTER_MS || previousDelayMs === 0
      ? INITIAL_DELAY_MS
      : Math.min(previousDelayMs * 2, MAX_DELAY_MS);
  return { restart: true, delayMs };
}

// The ContainerRunBackend: lifecycle calls, and logs/attach output read from the container's
// log file (conmon's k8s-file) and framed as the Engine API streams them.
import type { ContainerRunBackend, LogStream } from "../api/server/index.ts";
import type { ContainerStore } from "../container/index.ts";
import { conflict, invalidArgument } from "../lib/index.ts";
import {
  type LogMessage,
  apiTimeToLogTime,
  encodeLogFrames,
  readLogBatches,
  rotatedLogPaths,
} from "../runtime/index.ts";
import type { ContainerLifecycle } from "./container-lifecycle.ts";
import { containerTop } from "./container-top.ts";
import { assertReadableLogs, logFilesOf } from "./container-log-config.ts";
import { attachInput } from "./container-attach-input.ts";
import { DEFAULT_DETACH_KEYS, parseDetachKeys } from "../lib/index.ts";
import type { ContainerRuntime } from "./container-runtime.ts";

interface TtyConfig {
  Tty?: boolean;
  OpenStdin?: boolean;
}

export function createContainerRunBackend(
  store: ContainerStore<TtyConfig, { LogConfig?: { Type: string; Config?: Record<string, string> | null } }>,
  lifecycle: ContainerLifecycle,
  runtime: ContainerRuntime,
): ContainerRunBackend & { attachedDrained(id: string): Promise<void> } {
  const framed = async function* (
    batches: AsyncIterable<LogMessage[]>,
    tty: boolean,
    timestamps: boolean,
  ): AsyncGenerator<Buffer> {
    for await (const batch of batches) yield encodeLogFrames(batch, { tty, timestamps });
  };
  // Attached readers still draining a container's log: `--rm` must not delete the log under them.
  const attached = new Map<string, Set<Promise<void>>>();
  const track = async function* (id: string, chunks: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
    let done = (): void => undefined;
    const finished = new Promise<void>((resolve) => (done = resolve));
    const set = attached.get(id) ?? new Set();
    attached.set(id, set.add(finished));
    try {
      yield* chunks;
    } finally {
      set.delete(finished);
      if (set.size === 0) attached.delete(id);
      done();
    }
  };

  return {
    async attachedDrained(id) {
      await Promise.all([...(attached.get(id) ?? [])]);
    },
    startContainer: (ref) => lifecycle.start(ref),
    stopContainer: (ref, t, signal) => lifecycle.stop(ref, t, signal),
    async restartContainer(ref, t, signal) {
      if (store.resolve(ref).state.Running) await lifecycle.stop(ref, t, signal);
      await lifecycle.start(ref);
    },
    killContainer: (ref, signal) => lifecycle.kill(ref, signal),
    pauseContainer: (ref) => lifecycle.pause(ref),
    unpauseContainer: (ref) => lifecycle.unpause(ref),
    async topContainer(ref, psArgs) {
      const c = store.resolve(ref);
      if (!c.state.Running) throw conflict("CONTAINER_NOT_RUNNING", `Container ${c.id} is not running`);
      return containerTop(await runtime.pids(c.id), psArgs);
    },
    waitContainer: (ref, condition, signal) => lifecycle.wait(ref, condition, signal),

    async containerLogs(ref, request, signal): Promise<LogStream> {
      const c = store.resolve(ref);
      assertReadableLogs(c.hostConfig.LogConfig);
      const tty = c.config.Tty === true;
      // Following a running container ends when it exits; a stopped one has nothing to wait for.
      const exited = c.state.Running ? lifecycle.nextExit(c.id).then(() => undefined) : Promise.resolve();
      const batches = readLogBatches(
        rotatedLogPaths(runtime.logPath(c.id), logFilesOf(c.hostConfig.LogConfig)),
        {
          follow: request.follow,
          stdout: request.stdout,
          stderr: request.stderr,
          tail: request.tail,
          ...timeBound("since", request.since),
          ...timeBound("until", request.until),
          exited,
          signal,
        },
      );
      return { tty, chunks: framed(batches, tty, request.timestamps) };
    },

    attachInput(ref, detachKeys) {
      const c = store.resolve(ref);
      if (c.config.OpenStdin !== true) return undefined;
      const tty = c.config.Tty === true;
      if (tty) parseDetachKeys(detachKeys || DEFAULT_DETACH_KEYS); // a bad value is this request's 400
      return (client, onDetach) =>
        attachInput(client, {
          id: c.id,
          bundle: runtime.bundle(c.id),
          tty,
          detachKeys,
          running: () => store.get(c.id)?.state.Running === true,
          events: lifecycle.events,
          onDetach,
        });
    },

    async attachOutput(ref, request, signal): Promise<LogStream> {
      const c = store.resolve(ref);
      const tty = c.config.Tty === true;
      // Attached before start (as `docker run` does): everything until the coming exit. "From
      // now" is a time, fixed here: the reader starts later, maybe after the first output.
      // Or until its start fails (moby closes the streams then); listeners go with the client.
      const ended = new AbortController();
      signal.addEventListener("abort", () => ended.abort(), { once: true });
      const exited = Promise.race([
        lifecycle.nextExit(c.id, ended.signal),
        lifecycle.nextStartFailure(c.id, ended.signal),
      ]).then(
        () => ended.abort(),
        () => undefined,
      );
      const now = Date.now();
      const since = apiTimeToLogTime(`${Math.floor(now / 1000)}.${String(now % 1000).padStart(3, "0")}`);
      const batches = readLogBatches(
        rotatedLogPaths(runtime.logPath(c.id), logFilesOf(c.hostConfig.LogConfig)),
        {
          follow: request.stream,
          stdout: request.stdout,
          stderr: request.stderr,
          ...(request.logs || since === undefined ? {} : { since }),
          exited,
          signal,
          // An attached terminal shows a prompt or an echo before any newline comes.
          joinPartials: false,
        },
      );
      return { tty, chunks: track(c.id, framed(batches, tty, false)) };
    },
  };
}

/** A since/until option from the API's value ("" or "0" means none; bad values are errors). */
function timeBound(key: "since" | "until", value: string): { since?: string; until?: string } {
  if (value === "" || value === "0") return {};
  const time = apiTimeToLogTime(value);
  if (time === undefined) throw invalidArgument("INVALID_TIME", `invalid value for "${key}": ${value}`);
  return { [key]: time };
}

// berth stats / container stats: docker/cli container/stats.go. --no-stream reads one sample
// per container; otherwise each container's stats stream feeds its latest figures and the
// table is redrawn every 500 ms in place, as docker does (cursor home, erase to end of each
// line, erase below), until interrupted.
import type { IncomingMessage } from "node:http";
import type { ContainerInspectResponse, ContainerSummary } from "../../api/types/index.ts";
import { command, FORMAT_HELP } from "../cli-context.ts";
import { renderFormat } from "../table.ts";
import { streamLines } from "../stream-lines.ts";
import {
  STATS_HEADERS,
  STATS_TABLE,
  StatsRow,
  statsEntry,
  type StatsEntry,
  type StatsSample,
} from "../stats-entry.ts";

interface Target {
  /** What the user typed, or the short ID when listing all. */
  container: string;
  id: string;
  name: string;
}

const REDRAW_MS = 500;

export const statsCommand = command({
  paths: [["stats"], ["container", "stats"]],
  spec: {
    path: "berth stats",
    usage: "[OPTIONS] [CONTAINER...]",
    description: "Display a live stream of container(s) resource usage statistics",
    aliases: ["berth container stats", "berth stats"],
    flags: {
      all: { type: "bool", short: "a", description: "Show all containers (default shows just running)" },
      format: { type: "string", description: FORMAT_HELP },
      "no-stream": { type: "bool", description: "Disable streaming stats and only pull the first result" },
      "no-trunc": { type: "bool", description: "Do not truncate output" },
    },
  },
  async run(ctx, flags, args) {
    const template = flags.format === "" || flags.format === "table" ? STATS_TABLE : flags.format;
    const render = (entries: StatsEntry[]): string =>
      renderFormat({
        format: template,
        rows: entries.map((e) => new StatsRow(e, !flags["no-trunc"])),
        headers: STATS_HEADERS,
      });
    const listTargets = async (): Promise<Target[]> => {
      if (args.length > 0) {
        return Promise.all(
          args.map(async (name) => {
            const c = await ctx.client.json<ContainerInspectResponse>(
              "GET",
              `/containers/${encodeURIComponent(name)}/json`,
            );
            return { container: name, id: c.Id, name: c.Name };
          }),
        );
      }
      const list = await ctx.client.json<ContainerSummary[]>("GET", "/containers/json", {
        query: { all: flags.all },
      });
      return list.map((c) => ({ container: c.Id.slice(0, 12), id: c.Id, name: c.Names[0] ?? "" }));
    };
    const blank = (t: Target): StatsEntry => ({ ...statsEntry(t.container, {}), name: t.name, id: t.id });

    let targets = await listTargets();
    if (flags["no-stream"]) {
      const entries = await Promise.all(
        targets.map(async (t) => {
          const sample = await ctx.client.json<StatsSample>("GET", `/containers/${t.id}/stats`, {
            query: { stream: "0" },
          });
          return { ...statsEntry(t.container, sample), name: sample.name || t.name, id: t.id };
        }),
      );
      ctx.stdout.write(render(entries));
      return 0;
    }

    const latest = new Map<string, StatsEntry>();
    const following = new Set<string>();
    const streams = new Map<string, IncomingMessage>();
    const follow = (t: Target): void => {
      if (following.has(t.id)) return;
      following.add(t.id);
      latest.set(t.id, blank(t));
      void ctx.client
        .stream("GET", `/containers/${t.id}/stats`, { query: { stream: "1" } })
        .then(async (res) => {
          streams.set(t.id, res);
          for await (const line of streamLines(res as AsyncIterable<Buffer>)) {
            const sample = JSON.parse(line) as StatsSample;
            latest.set(t.id, { ...statsEntry(t.container, sample), name: sample.name || t.name, id: t.id });
          }
        })
        .catch(() => undefined)
        .finally(() => {
          streams.delete(t.id);
          following.delete(t.id);
        });
    };
    for (const t of targets) follow(t);

    let stopped = false;
    const stop = (): void => {
      stopped = true;
    };
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
    while (!stopped) {
      await new Promise((resolve) => setTimeout(resolve, REDRAW_MS));
      if (args.length === 0) {
        // Containers come and go while we watch (docker follows the events for the same).
        targets = await listTargets().catch(() => targets);
        const ids = new Set(targets.map((t) => t.id));
        for (const id of latest.keys()) if (!ids.has(id)) latest.delete(id);
        for (const t of targets) follow(t);
      }
      const text = render(targets.map((t) => latest.get(t.id) ?? blank(t)));
      const lines = text.endsWith("\n") ? text.slice(0, -1).split("\n") : text.split("\n");
      ctx.stdout.write(`\x1b[H${lines.map((l) => `${l}\x1b[K\n`).join("")}\x1b[J`);
    }
    for (const res of streams.values()) res.destroy();
    return 0;
  },
});

// berth events / system events: GET /events streamed until --until passes or the user
// interrupts; each event as docker prints it, or through --format.
import { command } from "../cli-context.ts";
import { EventMessage, prettyEvent } from "../event-message.ts";
import { parseDockerTemplate } from "../go-template.ts";
import { getTimestamp } from "../go-time.ts";
import { renderFormat, templateText } from "../table.ts";
import { filtersParam, toFilters } from "../filter-flags.ts";
import { streamLines } from "../stream-lines.ts";

export const eventsCommand = command({
  paths: [["events"], ["system", "events"]],
  spec: {
    path: "berth events",
    usage: "[OPTIONS]",
    description: "Get real time events from the server",
    aliases: ["berth system events", "berth events"],
    args: "none",
    flags: {
      filter: {
        type: "list",
        short: "f",
        valueName: "filter",
        description: "Filter output based on conditions provided",
      },
      format: {
        type: "string",
        description:
          "Format output using a custom template:\n'json':             Print in JSON format\n'TEMPLATE':         Print output using the given Go template.\nRefer to https://docs.docker.com/go/formatting/ for more information about formatting output with templates",
      },
      since: { type: "string", description: "Show all events created since timestamp" },
      until: { type: "string", description: "Stream events until this timestamp" },
    },
  },
  async run(ctx, flags) {
    const format = flags.format === "json" ? "{{json .}}" : flags.format;
    // docker validates the template on an empty message before it connects.
    if (format !== "") renderFormat({ format, rows: [new EventMessage("{}")] });
    const template = format === "" ? undefined : parseDockerTemplate(templateText(format));
    const filters = toFilters(flags.filter);
    const now = new Date();
    const res = await ctx.client.stream("GET", "/events", {
      query: {
        since: flags.since ? getTimestamp(flags.since, now) : undefined,
        until: flags.until ? getTimestamp(flags.until, now) : undefined,
        filters: filtersParam(filters),
      },
    });
    for await (const line of streamLines(res as AsyncIterable<Buffer>)) {
      const event = new EventMessage(line);
      ctx.stdout.write(template === undefined ? prettyEvent(event) : `${template.execute(event)}\n`);
    }
    return 0;
  },
});

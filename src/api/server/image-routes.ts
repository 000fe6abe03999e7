// /images/* routes (swagger.yaml tag "Image"). Handlers only parse the request and call the backend.
import { pipeline } from "node:stream/promises";
import { invalidArgument, notImplemented } from "../../lib/index.ts";
import type { ImageBackend } from "./backend.ts";
import { parseFilters } from "./filters.ts";
import { withLegacyImageFields } from "./image-inspect-legacy.ts";
import { JsonMessageStream } from "./json-stream.ts";
import type { RequestContext } from "./request-context.ts";
import type { Handler, Router } from "./router.ts";

const LIST_FILTERS = ["dangling", "label", "before", "since", "reference", "until"] as const;
const PRUNE_FILTERS = ["dangling", "label", "until"] as const;

export function addImageRoutes(router: Router, backend: ImageBackend, pull?: Handler): void {
  router.add("GET", "/images/json", async (ctx) => {
    const images = await backend.listImages({
      all: ctx.boolQuery("all"),
      digests: ctx.boolQuery("digests"),
      filters: parseFilters(ctx.query.get("filters"), LIST_FILTERS),
    });
    // API < 1.44 also reported VirtualSize (CHANGELOG v1.44: "VirtualSize removed"). Copies:
    // the summaries are the backend's cached (frozen) wire objects.
    ctx.jsonList(
      200,
      ctx.versionAtLeast("1.44") ? images : images.map((img) => ({ ...img, VirtualSize: img.Size })),
    );
  });

  router.add("POST", "/images/create", (ctx) => createImage(ctx, backend, pull));

  router.add("POST", "/images/load", async (ctx) => {
    const stream = new JsonMessageStream(ctx.res);
    const quiet = ctx.boolQuery("quiet");
    await streamingCall(stream, () =>
      backend.loadImages(ctx.req, (msg) => {
        if (!quiet || msg.stream !== undefined) stream.write(msg);
      }),
    );
  });

  router.add("GET", "/images/get", async (ctx) => saveImages(ctx, backend, ctx.query.getAll("names")));
  router.add("POST", "/images/prune", async (ctx) => {
    ctx.json(200, await backend.pruneImages(parseFilters(ctx.query.get("filters"), PRUNE_FILTERS)));
  });
  router.add("GET", "/images/search", () => {
    throw notImplemented("NO_SEARCH", "image search needs a registry with a search API; none is configured");
  });

  router.add("GET", "/images/{name*}/get", async (ctx) => saveImages(ctx, backend, [ctx.param("name")]));
  router.add("GET", "/images/{name*}/json", async (ctx) => {
    const image = await backend.inspectImage(ctx.param("name"));
    ctx.json(200, ctx.versionAtLeast("1.45") ? image : withLegacyImageFields(image));
  });
  router.add("GET", "/images/{name*}/history", async (ctx) =>
    ctx.json(200, await backend.imageHistory(ctx.param("name"))),
  );
  router.add("POST", "/images/{name*}/tag", async (ctx) => {
    await backend.tagImage(ctx.param("name"), ctx.query.get("repo") ?? "", ctx.query.get("tag") ?? "");
    ctx.noContent(201);
  });
  router.add("DELETE", "/images/{name*}", async (ctx) => {
    const items = await backend.removeImage(
      ctx.param("name"),
      ctx.boolQuery("force"),
      !ctx.boolQuery("noprune"),
    );
    ctx.json(200, items);
  });
}

async function saveImages(ctx: RequestContext, backend: ImageBackend, names: string[]): Promise<void> {
  if (names.length === 0) throw invalidArgument("NO_NAMES", "no images specified");
  const archive = await backend.saveImages(names);
  ctx.res.writeHead(200, { "Content-Type": "application/x-tar" });
  await pipeline(archive, ctx.res);
}

async function createImage(ctx: RequestContext, backend: ImageBackend, pull?: Handler): Promise<void> {
  const fromSrc = ctx.query.get("fromSrc");
  if (fromSrc === null && pull !== undefined) return pull(ctx);
  if (fromSrc === null) {
    // Pulling (fromImage) arrives with the registry client.
    throw notImplemented("NO_PULL", "pulling images from a registry is not supported by this berthd yet");
  }
  if (fromSrc !== "-") {
    throw invalidArgument(
      "IMPORT_URL",
      `importing from a URL is not supported: ${fromSrc} (no network access)`,
    );
  }
  const stream = new JsonMessageStream(ctx.res);
  await streamingCall(stream, () =>
    backend.importImage(
      ctx.req,
      {
        repo: ctx.query.get("repo") ?? "",
        tag: ctx.query.get("tag") ?? "",
        changes: ctx.query.getAll("changes"),
        message: ctx.query.get("message") ?? "",
        platform: ctx.query.get("platform") ?? "",
      },
      (msg) => stream.write(msg),
    ),
  );
}

/** Runs a streaming operation: errors before the first message get a real status; after it, in-band. */
async function streamingCall(stream: JsonMessageStream, run: () => Promise<void>): Promise<void> {
  try {
    await run();
  } catch (err) {
    if (!stream.isStarted) throw err;
    stream.error(err instanceof Error ? err.message : String(err));
  }
  stream.end();
}

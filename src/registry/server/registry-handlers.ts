// The distribution API's routes (spec.md "Endpoints", end-1 … end-14) over RegistryStorage.
import { createReadStream } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import { pipeline } from "node:stream/promises";
import { isEngineError } from "../../lib/index.ts";
import {
  MAX_MANIFEST_BYTES,
  MediaType,
  isSchema1Manifest,
  parseManifestOrIndex,
  sha256Of,
} from "../../oci/index.ts";
import { parseContentRange, parseRangeHeader } from "./http-ranges.ts";
import { linkHeader, paginate, parsePageRequest } from "./pagination.ts";
import { registryError, type RegistryError } from "./registry-errors.ts";
import type { ReferrerDescriptor, RegistryStorage } from "./registry-storage.ts";
import { isDigestSyntax, isRepositoryName, isSha256, isTag, type ParsedRoute } from "./repo-name.ts";

export interface RequestContext {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  storage: RegistryStorage;
}

function send(
  res: ServerResponse,
  status: number,
  headers: Record<string, string | number | string[]> = {},
  body?: string | Buffer,
): void {
  for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
  if (body === undefined) {
    if (!res.hasHeader("Content-Length")) res.setHeader("Content-Length", 0);
    res.writeHead(status).end();
    return;
  }
  const buf = typeof body === "string" ? Buffer.from(body) : body;
  if (!res.hasHeader("Content-Length")) res.setHeader("Content-Length", buf.byteLength);
  res.writeHead(status).end(buf);
}

function sendJson(
  res: ServerResponse,
  status: number,
  value: unknown,
  headers: Record<string, string | number> = {},
): void {
  send(res, status, { "Content-Type": "application/json", ...headers }, JSON.stringify(value));
}

export function checkName(name: string): void {
  if (!isRepositoryName(name)) throw registryError("NAME_INVALID", { name });
}

function contentLength(req: IncomingMessage): number | undefined {
  const v = req.headers["content-length"];
  if (v === undefined) return undefined;
  if (!/^[0-9]{1,15}$/.test(v)) throw registryError("SIZE_INVALID", { contentLength: v });
  return Number(v);
}

function hasBody(req: IncomingMessage): boolean {
  const len = req.headers["content-length"];
  return (len !== undefined && len !== "0") || req.headers["transfer-encoding"] !== undefined;
}

async function readBody(req: IncomingMessage, max: number): Promise<Buffer> {
  const declared = contentLength(req);
  const tooBig = (): RegistryError =>
    registryError("SIZE_INVALID", { max }, { status: 413, message: `payload larger than ${max} bytes` });
  if (declared !== undefined && declared > max) throw tooBig();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.byteLength;
    if (size > max) throw tooBig();
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

// ---------- base, catalog

export function handleBase(ctx: RequestContext): void {
  sendJson(ctx.res, 200, {});
}

export async function handleCatalog(ctx: RequestContext): Promise<void> {
  const page = parsePageRequest(ctx.url.searchParams);
  if (page === undefined)
    throw registryError(
      "UNSUPPORTED",
      { n: ctx.url.searchParams.get("n") },
      { status: 400, message: "invalid pagination parameter n" },
    );
  const result = paginate(await ctx.storage.listRepositories(), page, "/v2/_catalog");
  sendJson(
    ctx.res,
    200,
    { repositories: result.items },
    result.next ? { Link: linkHeader(result.next) } : {},
  );
}

// ---------- manifests (end-3, end-7, end-9)

async function resolveReference(
  ctx: RequestContext,
  name: string,
  ref: string,
): Promise<{ digest: string; tag?: string }> {
  if (ref.includes(":")) {
    if (!isDigestSyntax(ref))
      throw registryError("DIGEST_INVALID", { digest: ref }, { message: "invalid digest" });
    if (!isSha256(ref)) throw registryError("MANIFEST_UNKNOWN", { digest: ref });
    return { digest: ref };
  }
  if (!isTag(ref)) throw registryError("TAG_INVALID", { tag: ref }, { message: "invalid tag" });
  const digest = await ctx.storage.resolveTag(name, ref);
  if (digest === undefined) throw registryError("MANIFEST_UNKNOWN", { tag: ref });
  return { digest, tag: ref };
}

export async function handleManifest(ctx: RequestContext, route: ParsedRoute): Promise<void> {
  const { req, res, storage } = ctx;
  const { name, ref } = route;
  switch (req.method) {
    case "GET":
    case "HEAD": {
      const { digest } = await resolveReference(ctx, name, ref);
      const mediaType = await storage.manifestMediaType(name, digest);
      if (mediaType === undefined) throw registryError("MANIFEST_UNKNOWN", { digest });
      const bytes = await storage.readManifest(digest);
      send(
        res,
        200,
        { "Content-Type": mediaType, "Docker-Content-Digest": digest, ETag: `"${digest}"` },
        bytes,
      );
      return;
    }
    case "PUT":
      return putManifest(ctx, route);
    case "DELETE": {
      if (!(await storage.repositoryExists(name))) throw registryError("NAME_UNKNOWN", { name });
      if (!ref.includes(":")) {
        if (!isTag(ref)) throw registryError("TAG_INVALID", { tag: ref }, { message: "invalid tag" });
        if (!(await storage.deleteTag(name, ref))) throw registryError("MANIFEST_UNKNOWN", { tag: ref });
        send(res, 202);
        return;
      }
      const { digest } = await resolveReference(ctx, name, ref);
      let subject: string | undefined;
      if ((await storage.manifestMediaType(name, digest)) !== undefined) {
        try {
          const parsed = parseManifestOrIndex(await storage.readManifest(digest));
          subject =
            parsed.kind === "manifest" ? parsed.manifest.subject?.digest : parsed.index.subject?.digest;
        } catch {
          subject = undefined;
        }
      }
      if (!(await storage.deleteManifest(name, digest, subject && isSha256(subject) ? subject : undefined))) {
        throw registryError("MANIFEST_UNKNOWN", { digest });
      }
      send(res, 202);
      return;
    }
    default:
      throw registryError("UNSUPPORTED", { method: req.method });
  }
}

async function putManifest(ctx: RequestContext, route: ParsedRoute): Promise<void> {
  const { req, res, storage, url } = ctx;
  const { name, ref } = route;
  const byDigest = ref.includes(":");
  if (byDigest && !isDigestSyntax(ref))
    throw registryError("DIGEST_INVALID", { digest: ref }, { message: "invalid digest" });
  if (byDigest && !isSha256(ref))
    throw registryError(
      "UNSUPPORTED",
      { digest: ref },
      { status: 400, message: "only sha256 digests are supported" },
    );
  if (!byDigest && !isTag(ref)) throw registryError("TAG_INVALID", { tag: ref }, { message: "invalid tag" });
  const extraTags = byDigest ? url.searchParams.getAll("tag") : [];
  for (const t of extraTags)
    if (!isTag(t)) throw registryError("TAG_INVALID", { tag: t }, { message: "invalid tag" });
  const bytes = await readBody(req, MAX_MANIFEST_BYTES);
  const contentType = (req.headers["content-type"] ?? "").split(";")[0]?.trim() ?? "";
  if (isSchema1Manifest(contentType)) {
    throw registryError(
      "MANIFEST_INVALID",
      { mediaType: contentType },
      { message: "schema 1 manifests are not supported" },
    );
  }
  let parsed;
  try {
    parsed = parseManifestOrIndex(
      bytes,
      contentType && contentType !== "application/octet-stream" ? { mediaType: contentType } : {},
    );
  } catch (err) {
    throw registryError("MANIFEST_INVALID", err instanceof Error ? err.message : String(err));
  }
  const doc = parsed.kind === "manifest" ? parsed.manifest : parsed.index;
  const declared = (() => {
    try {
      const obj = JSON.parse(bytes.toString("utf8")) as { mediaType?: unknown };
      return typeof obj.mediaType === "string" ? obj.mediaType : undefined;
    } catch {
      return undefined;
    }
  })();
  // spec.md "Pushing Manifests": when a manifest has mediaType, Content-Type MUST be the same.
  if (
    declared !== undefined &&
    contentType !== "" &&
    contentType !== "application/octet-stream" &&
    contentType !== declared
  ) {
    throw registryError(
      "MANIFEST_INVALID",
      `Content-Type ${contentType} does not match the manifest's mediaType ${declared}`,
    );
  }
  const mediaType = declared ?? (contentType || doc.mediaType);
  const digest = sha256Of(bytes);
  if (byDigest && digest !== ref) throw registryError("DIGEST_INVALID", { expected: ref, actual: digest });
  // Every blob and child manifest must be in this repository (MANIFEST_BLOB_UNKNOWN otherwise).
  if (parsed.kind === "manifest") {
    const { config, layers } = parsed.manifest;
    for (const d of [config, ...layers]) {
      if (d.urls && d.urls.length > 0) continue; // foreign layers live elsewhere
      const size = isSha256(d.digest) ? await storage.repoBlobSize(name, d.digest) : null;
      if (size === null) throw registryError("MANIFEST_BLOB_UNKNOWN", { digest: d.digest });
      if (size !== d.size)
        throw registryError(
          "MANIFEST_INVALID",
          `blob ${d.digest} has ${size} bytes, the manifest says ${d.size}`,
        );
    }
  } else {
    for (const d of parsed.index.manifests) {
      const known = isSha256(d.digest) && (await storage.manifestMediaType(name, d.digest)) !== undefined;
      if (!known) throw registryError("MANIFEST_BLOB_UNKNOWN", { digest: d.digest });
    }
  }
  let referrer: { subject: string; descriptor: ReferrerDescriptor } | undefined;
  const subject = doc.subject;
  if (subject && isSha256(subject.digest)) {
    // spec.md "Listing Referrers": artifactType, else the config's mediaType for a manifest.
    const artifactType =
      doc.artifactType ?? (parsed.kind === "manifest" ? parsed.manifest.config.mediaType : undefined);
    const descriptor: ReferrerDescriptor = { mediaType, digest, size: bytes.byteLength };
    if (artifactType !== undefined) descriptor.artifactType = artifactType;
    if (doc.annotations !== undefined) descriptor.annotations = doc.annotations;
    referrer = { subject: subject.digest, descriptor };
  }
  const tags = byDigest ? extraTags : [ref];
  await storage.putManifest(name, bytes, mediaType, tags, referrer);
  const headers: Record<string, string | string[]> = {
    Location: `/v2/${name}/manifests/${digest}`,
    "Docker-Content-Digest": digest,
  };
  if (referrer) headers["OCI-Subject"] = referrer.subject;
  if (extraTags.length > 0) headers["OCI-Tag"] = extraTags;
  send(res, 201, headers);
}

// ---------- blobs (end-2, end-10)

export async function handleBlob(ctx: RequestContext, route: ParsedRoute): Promise<void> {
  const { req, res, storage } = ctx;
  const { name, ref: digest } = route;
  if (!isDigestSyntax(digest))
    throw registryError("DIGEST_INVALID", { digest }, { message: "invalid digest" });
  if (req.method === "DELETE") {
    if (!isSha256(digest) || !(await storage.unlinkBlob(name, digest)))
      throw registryError("BLOB_UNKNOWN", { digest });
    send(res, 202);
    return;
  }
  if (req.method !== "GET" && req.method !== "HEAD")
    throw registryError("UNSUPPORTED", { method: req.method });
  const size = isSha256(digest) ? await storage.repoBlobSize(name, digest) : null;
  if (size === null) throw registryError("BLOB_UNKNOWN", { digest });
  const headers = {
    "Content-Type": "application/octet-stream",
    "Docker-Content-Digest": digest,
    ETag: `"${digest}"`,
    "Accept-Ranges": "bytes",
    "Cache-Control": "max-age=31536000",
  };
  const range = parseRangeHeader(req.headers.range, size);
  if (range.kind === "unsatisfiable") {
    send(res, 416, { ...headers, "Content-Range": `bytes */${size}` });
    return;
  }
  const start = range.kind === "range" ? range.range.start : 0;
  const end = range.kind === "range" ? range.range.end : size - 1;
  const status = range.kind === "range" ? 206 : 200;
  for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
  res.setHeader("Content-Length", size === 0 ? 0 : end - start + 1);
  if (range.kind === "range") res.setHeader("Content-Range", `bytes ${start}-${end}/${size}`);
  if (req.method === "HEAD" || size === 0) {
    res.writeHead(status).end();
    return;
  }
  // 1 MiB reads: a quarter of the syscalls and event-loop turns of the 64 KiB default.
  const stream = createReadStream(storage.blobs.path(digest), { start, end, highWaterMark: 1 << 20 });
  res.writeHead(status);
  await pipeline(stream, res);
}

// ---------- uploads (end-4 … end-6, end-11, end-13, end-14)

function uploadHeaders(name: string, id: string, size: number): Record<string, string> {
  return {
    Location: `/v2/${name}/blobs/uploads/${id}`,
    Range: `0-${size > 0 ? size - 1 : 0}`,
    "Docker-Upload-UUID": id,
  };
}

function blobCreated(res: ServerResponse, name: string, digest: string): void {
  send(res, 201, { Location: `/v2/${name}/blobs/${digest}`, "Docker-Content-Digest": digest });
}

function requireDigest(value: string | null): string {
  if (value === null || value === "")
    throw registryError("DIGEST_INVALID", undefined, { message: "digest missing" });
  if (!isDigestSyntax(value))
    throw registryError("DIGEST_INVALID", { digest: value }, { message: "invalid digest" });
  if (!isSha256(value))
    throw registryError(
      "UNSUPPORTED",
      { digest: value },
      { status: 400, message: "only sha256 digests are supported" },
    );
  return value;
}

/** The chunk's start from Content-Range (checked against Content-Length), or undefined when absent. */
function chunkStart(req: IncomingMessage): number | undefined {
  const header = req.headers["content-range"];
  if (header === undefined) return undefined;
  const range = parseContentRange(header);
  if (range === undefined) throw registryError("RANGE_INVALID", { contentRange: header });
  const length = contentLength(req);
  if (length !== undefined && length !== range.end - range.start + 1) {
    throw registryError("RANGE_INVALID", { contentRange: header, contentLength: length });
  }
  return range.start;
}

export async function handleUpload(ctx: RequestContext, route: ParsedRoute): Promise<void> {
  const { req, res, storage, url } = ctx;
  const { name, ref: id } = route;
  const body = req as AsyncIterable<Buffer>;
  if (req.method === "POST" && id === "") {
    const mount = url.searchParams.get("mount");
    const from = url.searchParams.get("from");
    if (mount !== null) {
      // end-11: cross-repository mount; 202 with a new session when the blob is not there.
      const digest = requireDigest(mount);
      if (from !== null && isRepositoryName(from) && (await storage.repoBlobSize(from, digest)) !== null) {
        await storage.linkBlob(name, digest);
        blobCreated(res, name, digest);
        return;
      }
    }
    // end-4c: only sha256 is stored; ask for another algorithm and be told so up front.
    const algorithm = url.searchParams.get("digest-algorithm");
    if (algorithm !== null && algorithm !== "sha256") {
      throw registryError(
        "UNSUPPORTED",
        { algorithm },
        { status: 400, message: `digest algorithm ${algorithm} is not supported` },
      );
    }
    const digestParam = url.searchParams.get("digest");
    if (digestParam !== null) {
      // end-4b: monolithic upload in one POST.
      const digest = requireDigest(digestParam);
      const length = contentLength(req);
      const newId = await storage.startUpload(name);
      try {
        await storage.appendUpload(name, newId, undefined, body, length);
        await storage.finishUpload(name, newId, digest);
      } catch (err) {
        await storage.cancelUpload(name, newId);
        throw err;
      }
      blobCreated(res, name, digest);
      return;
    }
    const newId = await storage.startUpload(name);
    send(res, 202, uploadHeaders(name, newId, 0));
    return;
  }
  if (id === "") throw registryError("UNSUPPORTED", { method: req.method });
  switch (req.method) {
    case "GET": {
      const size = await storage.uploadSize(name, id);
      if (size === undefined) throw registryError("BLOB_UPLOAD_UNKNOWN", { uuid: id });
      send(res, 204, uploadHeaders(name, id, size));
      return;
    }
    case "PATCH": {
      const start = chunkStart(req);
      const size = await storage.appendUpload(name, id, start, body, contentLength(req));
      send(res, 202, uploadHeaders(name, id, size));
      return;
    }
    case "PUT": {
      const digest = requireDigest(url.searchParams.get("digest"));
      if (hasBody(req)) await storage.appendUpload(name, id, chunkStart(req), body, contentLength(req));
      else if ((await storage.uploadSize(name, id)) === undefined)
        throw registryError("BLOB_UPLOAD_UNKNOWN", { uuid: id });
      await storage.finishUpload(name, id, digest);
      blobCreated(res, name, digest);
      return;
    }
    case "DELETE":
      if (!(await storage.cancelUpload(name, id))) throw registryError("BLOB_UPLOAD_UNKNOWN", { uuid: id });
      send(res, 204);
      return;
    default:
      throw registryError("UNSUPPORTED", { method: req.method });
  }
}

// ---------- content discovery (end-8, end-12)

export async function handleTags(ctx: RequestContext, route: ParsedRoute): Promise<void> {
  if (ctx.req.method !== "GET" && ctx.req.method !== "HEAD")
    throw registryError("UNSUPPORTED", { method: ctx.req.method });
  const tags = await ctx.storage.listTags(route.name);
  if (tags === undefined) throw registryError("NAME_UNKNOWN", { name: route.name });
  const page = parsePageRequest(ctx.url.searchParams);
  if (page === undefined)
    throw registryError(
      "UNSUPPORTED",
      { n: ctx.url.searchParams.get("n") },
      { status: 400, message: "invalid pagination parameter n" },
    );
  const result = paginate(tags, page, `/v2/${route.name}/tags/list`);
  sendJson(
    ctx.res,
    200,
    { name: route.name, tags: result.items },
    result.next ? { Link: linkHeader(result.next) } : {},
  );
}

export async function handleReferrers(ctx: RequestContext, route: ParsedRoute): Promise<void> {
  if (ctx.req.method !== "GET" && ctx.req.method !== "HEAD")
    throw registryError("UNSUPPORTED", { method: ctx.req.method });
  const digest = route.ref;
  if (!isDigestSyntax(digest))
    throw registryError("DIGEST_INVALID", { digest }, { message: "invalid digest" });
  let manifests = isSha256(digest) ? await ctx.storage.referrers(route.name, digest) : [];
  const headers: Record<string, string> = { "Content-Type": MediaType.ociIndex };
  const artifactType = ctx.url.searchParams.get("artifactType");
  if (artifactType !== null && artifactType !== "") {
    manifests = manifests.filter((m) => m.artifactType === artifactType);
    headers["OCI-Filters-Applied"] = "artifactType";
  }
  send(ctx.res, 200, headers, JSON.stringify({ schemaVersion: 2, mediaType: MediaType.ociIndex, manifests }));
}

/** An EngineError from the content store that means "not there" after a race with a delete. */
export function mapStorageError(err: unknown): unknown {
  if (isEngineError(err) && err.category === "not-found") return registryError("BLOB_UNKNOWN", err.message);
  return err;
}

// Content descriptors, descriptor.md "Properties": what a manifest or index says about a blob it
// points to. Validated field by field so that a digest or size from a registry is safe to use as a
// file name or an allocation bound.
import { createHash } from "node:crypto";
import { parseDigest, type Digest } from "./digest.ts";
import { JsonReader, compact, join, type JsonObject } from "./json-reader.ts";
import { isValidMediaType } from "./media-types.ts";
import type { Platform } from "./platform.ts";

export interface Descriptor {
  mediaType: string;
  digest: Digest;
  size: number;
  urls?: string[];
  annotations?: Record<string, string>;
  /** Base64 of the content itself (descriptor.md "Embedded Content"), verified when parsed. */
  data?: string;
  artifactType?: string;
  /** image-index.md: set on entries of an index. */
  platform?: Platform;
}

const BASE64_RE = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Validates a descriptor found in a document; `path` locates it in error messages. */
export function parseDescriptor(
  value: unknown,
  reader: JsonReader = new JsonReader("descriptor"),
  path = "",
): Descriptor {
  const obj = reader.object(value, path);
  const mediaType = mediaTypeField(reader, obj, "mediaType", path);
  if (mediaType === undefined) reader.fail(join(path, "mediaType"), "required");
  const digest = reader.string(obj, "digest", path);
  try {
    parseDigest(digest);
  } catch (err) {
    reader.fail(join(path, "digest"), err instanceof Error ? err.message : String(err));
  }
  // descriptor.md: size is an int64 that MUST NOT be negative; above 2^53 it cannot be trusted here.
  const size = obj["size"];
  if (typeof size !== "number" || !Number.isSafeInteger(size) || size < 0) {
    reader.fail(join(path, "size"), "expected a non-negative integer");
  }
  const data = reader.optString(obj, "data", path);
  if (data !== undefined) checkEmbeddedData(reader, join(path, "data"), data, digest, size);
  const platformObj = reader.optObject(obj, "platform", path);
  return compact({
    mediaType,
    digest,
    size,
    urls: reader.optStringArray(obj, "urls", path),
    annotations: reader.optStringMap(obj, "annotations", path),
    data,
    artifactType: mediaTypeField(reader, obj, "artifactType", path),
    platform:
      platformObj === undefined
        ? undefined
        : parsePlatformObject(reader, platformObj, join(path, "platform")),
  });
}

/** A media type field: RFC 6838 syntax is required, being known to berth is not (manifest.md). */
export function mediaTypeField(
  reader: JsonReader,
  obj: JsonObject,
  key: string,
  path: string,
): string | undefined {
  const v = reader.optString(obj, key, path);
  if (v !== undefined && !isValidMediaType(v))
    reader.fail(join(path, key), `${JSON.stringify(v)} is not a media type`);
  return v;
}

function parsePlatformObject(reader: JsonReader, obj: JsonObject, path: string): Platform {
  return compact({
    architecture: reader.string(obj, "architecture", path),
    os: reader.string(obj, "os", path),
    "os.version": reader.optString(obj, "os.version", path),
    "os.features": reader.optStringArray(obj, "os.features", path),
    variant: reader.optString(obj, "variant", path),
    features: reader.optStringArray(obj, "features", path),
  });
}

// descriptor.md: "The decoded data MUST be identical to the referenced content and SHOULD be
// verified against the digest and size fields".
function checkEmbeddedData(
  reader: JsonReader,
  path: string,
  data: string,
  digest: string,
  size: number,
): void {
  if (!BASE64_RE.test(data)) reader.fail(path, "expected standard base64");
  const bytes = Buffer.from(data, "base64");
  if (bytes.length !== size) reader.fail(path, `decodes to ${bytes.length} bytes but size is ${size}`);
  const { algorithm, encoded } = parseDigest(digest);
  if (algorithm === "sha256" || algorithm === "sha512") {
    const actual = createHash(algorithm).update(bytes).digest("hex");
    if (actual !== encoded) reader.fail(path, `content does not match digest ${digest}`);
  }
}

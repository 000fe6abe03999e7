// Errors whose wording clients match on. Docker's exact text is kept where the docker CLI,
// docker-py or compose parse it (e.g. "No such image: x").
import { EngineError } from "./errors.ts";

export const noSuchImage = (ref: string): EngineError =>
  new EngineError("not-found", "NO_SUCH_IMAGE", `No such image: ${ref}`);

export const invalidReference = (ref: string, why = "invalid reference format"): EngineError =>
  new EngineError("invalid-argument", "INVALID_REFERENCE", `${why}: ${ref}`.replace(/: $/, ""));

export const badDigest = (expected: string, actual: string): EngineError =>
  new EngineError("invalid-argument", "DIGEST_MISMATCH", `digest mismatch: expected ${expected}, got ${actual}`);

export const badSize = (digest: string, expected: number, actual: number): EngineError =>
  new EngineError(
    "invalid-argument",
    "SIZE_MISMATCH",
    `size mismatch for ${digest}: expected ${expected} bytes, got ${actual}`,
  );

export const invalidArchive = (why: string, cause?: unknown): EngineError =>
  new EngineError("invalid-argument", "INVALID_ARCHIVE", `invalid archive: ${why}`, { cause });

export const unsupportedMediaType = (mediaType: string): EngineError =>
  new EngineError("invalid-argument", "UNSUPPORTED_MEDIA_TYPE", `unsupported media type ${mediaType}`);

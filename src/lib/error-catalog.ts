// Errors whose wording clients match on. Docker's exact text is kept where the docker CLI,
// docker-py or compose parse it (e.g. "No such image: x").
import { EngineError } from "./errors.ts";

export const noSuchImage = (ref: string): EngineError =>
  new EngineError("not-found", "NO_SUCH_IMAGE", `No such image: ${ref}`);

export const invalidReference = (ref: string, why = "invalid reference format"): EngineError =>
  new EngineError("invalid-argument", "INVALID_REFERENCE", `${why}: ${ref}`.replace(/: $/, ""));

export const badDigest = (expected: string, actual: string): EngineError =>
  new EngineError(
    "invalid-argument",
    "DIGEST_MISMATCH",
    `digest mismatch: expected ${expected}, got ${actual}`,
  );

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

// --- image formats (src/oci) and blob store (src/content) ---

/** A reference rejected with distribution/reference's exact wording (the docker CLI prints it as is). */
export const badReference = (message: string): EngineError =>
  new EngineError("invalid-argument", "INVALID_REFERENCE", message);

export const invalidDigest = (digest: string, why: string): EngineError =>
  new EngineError("invalid-argument", "INVALID_DIGEST", `invalid digest ${JSON.stringify(digest)}: ${why}`);

export const unsupportedDigestAlgorithm = (algorithm: string): EngineError =>
  new EngineError(
    "invalid-argument",
    "UNSUPPORTED_DIGEST_ALGORITHM",
    `unsupported digest algorithm ${JSON.stringify(algorithm)}: only sha256 content is stored`,
  );

/** A manifest, index, config, descriptor or platform document that does not follow its format. */
export const invalidDocument = (kind: string, why: string, cause?: unknown): EngineError =>
  new EngineError("invalid-argument", "INVALID_DOCUMENT", `invalid ${kind}: ${why}`, { cause });

export const invalidPlatform = (specifier: string, why: string): EngineError =>
  new EngineError(
    "invalid-argument",
    "INVALID_PLATFORM",
    `invalid platform ${JSON.stringify(specifier)}: ${why}`,
  );

export const blobNotFound = (digest: string): EngineError =>
  new EngineError("not-found", "BLOB_NOT_FOUND", `content ${digest}: not found`);

export const blobTooLarge = (digest: string, size: number, max: number): EngineError =>
  new EngineError(
    "invalid-argument",
    "BLOB_TOO_LARGE",
    `content ${digest} is ${size} bytes, more than the ${max} allowed`,
  );

export const blobCorrupted = (digest: string, actual: string): EngineError =>
  new EngineError(
    "internal",
    "BLOB_CORRUPTED",
    `content ${digest} is corrupted on disk (it hashes to ${actual})`,
  );

export const ingestFailed = (what: string, cause: unknown): EngineError =>
  new EngineError(
    "internal",
    "INGEST_FAILED",
    `writing ${what} failed: ${cause instanceof Error ? cause.message : String(cause)}`,
    { cause },
  );

/** A read, stat or delete in the content store failed for a reason other than absence. */
export const contentIoFailed = (operation: string, cause: unknown): EngineError =>
  new EngineError(
    "internal",
    "CONTENT_IO_FAILED",
    `${operation} failed: ${cause instanceof Error ? cause.message : String(cause)}`,
    { cause },
  );

export const schema1Unsupported = (): EngineError =>
  new EngineError(
    "invalid-argument",
    "SCHEMA1_UNSUPPORTED",
    "Docker Image manifest version 2, schema 1 is not supported: the image must be rebuilt or converted " +
      "to the OCI format or Docker Image manifest v2, schema 2 (https://docs.docker.com/go/deprecated-image-specs/)",
  );

// --- layer archives (src/diff) ---

/** An archive entry that would write outside the layer root (absolute, `..`, escaping link). */
export const unsafeArchivePath = (name: string, why: string): EngineError =>
  new EngineError(
    "invalid-argument",
    "UNSAFE_ARCHIVE_PATH",
    `unsafe path in archive ${JSON.stringify(name)}: ${why}`,
  );

/** A layer compressed with a format berth cannot read (zstd needs Node 22's zlib). */
export const unsupportedCompression = (format: string): EngineError =>
  new EngineError(
    "not-implemented",
    "UNSUPPORTED_COMPRESSION",
    `unsupported layer compression ${format}: only uncompressed and gzip layers can be applied`,
  );

// --- OCI runtime and conmon (src/runtime/monitor) ---

/** What a failed child process left behind; carried as the EngineError's cause. */
export interface ProcessFailure {
  readonly argv: readonly string[];
  readonly exitCode: number | null;
  readonly stderrTail: string;
}

/** The runtime (runc) has no container with this id in its state dir. */
export const runtimeContainerNotFound = (id: string, failure?: ProcessFailure): EngineError =>
  new EngineError(
    "not-found",
    "RUNTIME_CONTAINER_NOT_FOUND",
    `container ${id} does not exist in the runtime`,
    {
      cause: failure,
    },
  );

/** A runtime call failed; `reason` is runc's own message from its JSON log when there is one. */
export const runtimeFailed = (operation: string, reason: string, failure: ProcessFailure): EngineError =>
  new EngineError(
    "internal",
    "RUNTIME_FAILED",
    `runtime ${operation} failed (exit ${failure.exitCode ?? "signal"}): ${reason}`,
    { cause: failure },
  );

/** conmon could not be started or reported that creating the container failed. */
export const monitorFailed = (id: string, reason: string, failure?: ProcessFailure): EngineError =>
  new EngineError("internal", "MONITOR_FAILED", `starting the monitor of container ${id} failed: ${reason}`, {
    cause: failure,
  });

/** The OCI runtime or conmon binary is not installed. */
export const binaryNotFound = (name: string): EngineError =>
  new EngineError("unavailable", "BINARY_NOT_FOUND", `${name} not found in PATH (is it installed?)`);

/** A container did not exit before the deadline a caller was waiting for. */
export const exitTimeout = (id: string, ms: number): EngineError =>
  new EngineError("unavailable", "EXIT_TIMEOUT", `container ${id} did not exit within ${ms} ms`);

// --- OCI runtime spec generation (src/runtime/spec) ---

/** A container option Docker rejects at create; the message is Docker's own wording. */
export const invalidContainerOption = (message: string, cause?: unknown): EngineError =>
  new EngineError("invalid-argument", "INVALID_CONTAINER_OPTION", message, { cause });

export const unknownCapability = (name: string): EngineError =>
  new EngineError("invalid-argument", "UNKNOWN_CAPABILITY", `unknown capability: ${JSON.stringify(name)}`);

export const invalidSeccompProfile = (why: string, cause?: unknown): EngineError =>
  new EngineError("invalid-argument", "INVALID_SECCOMP_PROFILE", why, { cause });

/** runc's user package wording, which Docker passes through ("unable to find user x: ..."). */
export const unknownContainerUser = (message: string): EngineError =>
  new EngineError("invalid-argument", "UNKNOWN_USER", message);

// --- volumes (src/volume); wording from moby's volume/service errors, which clients print ---

export const noSuchVolume = (name: string): EngineError =>
  new EngineError("not-found", "NO_SUCH_VOLUME", `get ${name}: no such volume`);

export const volumeInUse = (name: string, containerIds: readonly string[]): EngineError =>
  new EngineError(
    "conflict",
    "VOLUME_IN_USE",
    `remove ${name}: volume is in use - [${containerIds.join(", ")}]`,
  );

export const invalidVolumeName = (message: string): EngineError =>
  new EngineError("invalid-argument", "INVALID_VOLUME_NAME", message);

export const volumePluginNotFound = (driver: string): EngineError =>
  new EngineError(
    "not-found",
    "VOLUME_PLUGIN_NOT_FOUND",
    `error looking up volume plugin ${driver}: plugin ${JSON.stringify(driver)} not found`,
  );

export const invalidVolumeOption = (message: string): EngineError =>
  new EngineError("invalid-argument", "INVALID_VOLUME_OPTION", message);

/** A create that names an existing volume with other driver options (Docker silently ignores them). */
export const volumeOptionsConflict = (name: string): EngineError =>
  new EngineError(
    "conflict",
    "VOLUME_OPTIONS_CONFLICT",
    `volume ${name} already exists with different driver options`,
  );

/** mount/umount/cp for a volume failed; the tool's stderr is in the message. */
export const volumeIoFailed = (
  operation: string,
  name: string,
  reason: string,
  cause?: unknown,
): EngineError =>
  new EngineError("internal", "VOLUME_IO_FAILED", `${operation} volume ${name}: ${reason}`, { cause });

// --- container logs (src/runtime/logs) ---

/** A --log-driver or --log-opt Docker would refuse too (it answers 400 on create). */
export const invalidLogConfig = (message: string): EngineError =>
  new EngineError("invalid-argument", "INVALID_LOG_CONFIG", message);

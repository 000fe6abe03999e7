// Applies one layer blob to an empty directory on the calling thread, computing the layer's
// DiffID (sha256 of the uncompressed tar, OCI image-spec config.md "Layer DiffID") in the same
// pass. The daemon calls it through applyLayer (a worker thread); tests may call it directly.
import { lstatSync, readdirSync } from "node:fs";
import { invalidArgument, toEngineError } from "../lib/index.ts";
import { followLayerBlob, openLayerBlob } from "./decompress.ts";
import { GrowingFileReader } from "./growing-file.ts";
import type { LayerDigester } from "./layer-digester.ts";
import { InlineDigester } from "./layer-digester.ts";
import { LayerExtractor } from "./layer-extractor.ts";
import { TarParser } from "./tar-parser.ts";

export interface ApplyLayerResult {
  /** "sha256:<hex>" of the uncompressed tar stream. */
  diffId: string | null;
  /** Bytes of regular file content unpacked. */
  size: number;
  /**
   * For an uncompressed blob followed while being stored: "sha256:<hex>" of all its bytes as
   * read back from the file (its DiffID too), which lets the writer skip hashing them. Else null.
   */
  blobDigest: string | null;
}

/**
 * Where a layer's bytes come from: a stored blob file, or a blob still being written to the
 * open file descriptor `fd` (growing-file.ts), whose progress the writer publishes in `progress`.
 */
export type LayerSource = string | { fd: number; progress: SharedArrayBuffer };

export async function applyLayerInProcess(
  source: LayerSource,
  dest: string,
  digester: LayerDigester = new InlineDigester(),
): Promise<ApplyLayerResult> {
  if (!lstatSync(dest).isDirectory() || readdirSync(dest).length > 0) {
    // The extractor's symlink bookkeeping relies on owning every entry in the tree.
    throw invalidArgument("LAYER_DEST_NOT_EMPTY", `layer destination ${dest} must be an empty directory`);
  }
  const extractor = new LayerExtractor(dest);
  const parser = new TarParser(extractor);
  let followedPlain = false;
  try {
    const nextBuffer = (): Buffer => digester.nextBuffer();
    const chunks =
      typeof source === "string"
        ? openLayerBlob(source, nextBuffer)
        : followLayerBlob(new GrowingFileReader(source.fd, source.progress), nextBuffer, () => {
            followedPlain = true; // the DiffID is the blob's digest: the writer takes it from here
          });
    for await (const chunk of chunks) {
      digester.update(chunk);
      // Bytes after the end-of-archive marker still count in the DiffID, as in Docker.
      if (!parser.finished) parser.push(chunk);
    }
    parser.end();
    extractor.finish();
  } catch (err) {
    extractor.close();
    digester.abandon();
    throw toEngineError(err);
  }
  const diffId = digester.digest();
  return { diffId, size: extractor.size, blobDigest: followedPlain ? diffId : null };
}

// Applies one layer blob to an empty directory on the calling thread, computing the layer's
// DiffID (sha256 of the uncompressed tar, OCI image-spec config.md "Layer DiffID") in the same
// pass. The daemon calls it through applyLayer (a worker thread); tests may call it directly.
import { lstatSync, readdirSync } from "node:fs";
import { invalidArgument, toEngineError } from "../lib/index.ts";
import { openLayerBlob } from "./decompress.ts";
import type { LayerDigester } from "./layer-digester.ts";
import { InlineDigester } from "./layer-digester.ts";
import { LayerExtractor } from "./layer-extractor.ts";
import { TarParser } from "./tar-parser.ts";

export interface ApplyLayerResult {
  /** "sha256:<hex>" of the uncompressed tar stream. */
  diffId: string;
  /** Bytes of regular file content unpacked. */
  size: number;
}

export async function applyLayerInProcess(
  blobPath: string,
  dest: string,
  digester: LayerDigester = new InlineDigester(),
): Promise<ApplyLayerResult> {
  if (!lstatSync(dest).isDirectory() || readdirSync(dest).length > 0) {
    // The extractor's symlink bookkeeping relies on owning every entry in the tree.
    throw invalidArgument("LAYER_DEST_NOT_EMPTY", `layer destination ${dest} must be an empty directory`);
  }
  const extractor = new LayerExtractor(dest);
  const parser = new TarParser(extractor);
  try {
    for await (const chunk of openLayerBlob(blobPath, () => digester.nextBuffer())) {
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
  return { diffId: digester.digest(), size: extractor.size };
}

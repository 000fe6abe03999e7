// Gzip of an uncompressed layer for push (what dockerd sends), made fast and reproducible:
// the layer is cut into 4 MiB pieces compressed at level 1 on libuv's thread pool, several at a
// time, and written in order as one gzip member each. RFC 1952 section 2.2 allows a gzip file
// of several members, and every gunzip (Go's compress/gzip, containerd, Node's zlib) reads them
// as one stream. Same input, same pieces, same level: the same bytes, so a layer pushed twice
// keeps its digest even when the compressed blob was collected in between.
import { gzip as gzipCb } from "node:zlib";
import { promisify } from "node:util";
import type { ContentStore } from "../content/index.ts";
import { MediaType } from "../oci/index.ts";

const gzip = promisify(gzipCb);
const PIECE = 4 * 1024 * 1024;
const IN_FLIGHT = 4;

export interface CompressedLayer {
  digest: string;
  size: number;
  mediaType: string;
}

/** The gzip media type of an uncompressed layer type, in the same family (OCI or Docker). */
export function gzipMediaType(mediaType: string): string {
  if (mediaType === MediaType.dockerLayer) return MediaType.dockerLayerGzip;
  if (mediaType === MediaType.ociLayerNondistributable) return MediaType.ociLayerNondistributableGzip;
  return MediaType.ociLayerGzip;
}

/** Compresses the stored blob `digest` into the content store; returns the new blob. */
export async function compressLayer(
  content: ContentStore,
  digest: string,
  mediaType: string,
): Promise<CompressedLayer> {
  const source = await content.createReadStream(digest);
  const writer = await content.openWriter();
  const pending: Promise<Buffer>[] = [];
  try {
    let piece: Buffer[] = [];
    let pieceSize = 0;
    const flush = async (): Promise<void> => {
      const input = Buffer.concat(piece, pieceSize);
      piece = [];
      pieceSize = 0;
      pending.push(gzip(input, { level: 1 }));
      // Keep IN_FLIGHT pieces compressing; write the oldest as soon as there are more.
      while (pending.length >= IN_FLIGHT) await writer.write(await (pending.shift() as Promise<Buffer>));
    };
    for await (const chunk of source as AsyncIterable<Buffer>) {
      let offset = 0;
      while (offset < chunk.length) {
        const take = Math.min(PIECE - pieceSize, chunk.length - offset);
        piece.push(chunk.subarray(offset, offset + take));
        pieceSize += take;
        offset += take;
        if (pieceSize === PIECE) await flush();
      }
    }
    if (pieceSize > 0 || pending.length === 0) await flush();
    while (pending.length > 0) await writer.write(await (pending.shift() as Promise<Buffer>));
    const info = await writer.commit();
    return { ...info, mediaType: gzipMediaType(mediaType) };
  } catch (err) {
    source.destroy();
    await Promise.allSettled(pending);
    await writer.abort();
    throw err;
  }
}

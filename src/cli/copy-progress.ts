// docker cp's closing line on a terminal (docker/cli container/cp.go): "Successfully copied
// 4.1kB to DEST", the tar bytes that went through. Nothing when stderr is not a terminal, with
// -q, or when the tar itself is on stdin/stdout.
import { PassThrough, type Readable } from "node:stream";
import { humanSizeWithPrecision } from "./humanize.ts";

export class CopyProgress {
  private total = 0;

  constructor(private readonly out: NodeJS.WriteStream | undefined) {}

  /** Passes `source` through, counting its bytes. */
  count(source: Readable): Readable {
    const through = new PassThrough();
    source.on("data", (chunk: Buffer) => (this.total += chunk.length));
    source.on("error", (err) => through.destroy(err));
    return source.pipe(through);
  }

  finish(destination: string): void {
    this.out?.write(`Successfully copied ${humanSizeWithPrecision(this.total, 3)} to ${destination}\n`);
  }
}

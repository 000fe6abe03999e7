// Splits the Engine API's multiplexed stream (swagger "Stream format": an 8-byte header with the
// stream id and a big-endian length, then the payload) onto stdout and stderr, as docker's
// stdcopy.StdCopy does. A TTY stream is raw and goes to stdout as is.
export async function demuxStream(
  source: AsyncIterable<Buffer> | Iterable<Buffer>,
  stdout: { write(chunk: Buffer): unknown },
  stderr: { write(chunk: Buffer): unknown },
  tty: boolean,
): Promise<void> {
  if (tty) {
    for await (const chunk of source) stdout.write(chunk);
    return;
  }
  let pending: Buffer = Buffer.alloc(0);
  for await (const chunk of source) {
    pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
    while (pending.length >= 8) {
      const length = pending.readUInt32BE(4);
      if (pending.length < 8 + length) break;
      const payload = pending.subarray(8, 8 + length);
      const stream = pending[0];
      if (stream === 3) throw new Error(payload.toString("utf8"));
      (stream === 2 ? stderr : stdout).write(payload);
      pending = pending.subarray(8 + length);
    }
  }
}

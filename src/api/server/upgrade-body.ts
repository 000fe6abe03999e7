// The body of an "Upgrade: tcp" request (exec start sends its JSON that way): Node's HTTP
// parser stops at the headers of an upgrade, so the body is the first Content-Length bytes of
// the raw socket; whatever follows is the client's stream (stdin) and is put back.
import type { Socket } from "node:net";

export function readUpgradeBody(socket: Socket, length: number, limit: number): Promise<Buffer> {
  if (length <= 0) return Promise.resolve(Buffer.alloc(0));
  if (length > limit)
    return Promise.reject(new RangeError(`request body too large: limit is ${limit} bytes`));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      chunks.push(chunk);
      size += chunk.length;
      if (size < length) return;
      done();
      socket.pause();
      const all = Buffer.concat(chunks);
      if (all.length > length) socket.unshift(all.subarray(length));
      resolve(all.subarray(0, length));
    };
    const onEnd = (): void => {
      done();
      reject(new Error("connection closed inside the request body"));
    };
    const done = (): void => {
      socket.off("data", onData);
      socket.off("end", onEnd);
      socket.off("error", onEnd);
    };
    socket.on("data", onData);
    socket.on("end", onEnd);
    socket.on("error", onEnd);
  });
}

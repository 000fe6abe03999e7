// One HTTP/1.1 request over node:net whose response head is wanted before its body: `POST
// /containers/{id}/wait` answers its 200 head as soon as the wait is registered and its body when
// the container exits (or is removed). `berth run` starts the container once the head is in, as
// the docker CLI does, and reads the exit code from the body later.
import { connect } from "node:net";
import { HttpResponseReader, type ResponseHead } from "./http-response-reader.ts";
import { requestHead, type UnixRequest } from "./unix-http.ts";

export interface EarlyResponse extends ResponseHead {
  /** The whole body; rejects if the connection fails or is closed first. */
  body: Promise<Buffer>;
  /** Gives up on the body (closes the connection); `body` then rejects. */
  close(): void;
}

/** Resolves once the response head is in; the body follows in `body`. */
export function unixRequestEarly(socketPath: string, req: UnixRequest): Promise<EarlyResponse> {
  const text = requestHead(req, false);
  return new Promise((resolveHead, rejectHead) => {
    const reader = new HttpResponseReader(req.method);
    const socket = connect(socketPath);
    let headSent = false;
    let bodyDone = false;
    let resolveBody: (b: Buffer) => void = () => undefined;
    let rejectBody: (e: Error) => void = () => undefined;
    const body = new Promise<Buffer>((res, rej) => {
      resolveBody = res;
      rejectBody = rej;
    });
    // Whoever reads the head decides whether the body is read; an unread failure is not an error.
    body.catch(() => undefined);
    const fail = (err: Error): void => {
      socket.destroy();
      if (!headSent) {
        headSent = true;
        rejectHead(err);
      }
      if (!bodyDone) {
        bodyDone = true;
        rejectBody(err);
      }
    };
    const progress = (): void => {
      const head = reader.head;
      if (head === undefined) return;
      if (!headSent) {
        headSent = true;
        resolveHead({ ...head, body, close: () => fail(new Error("request closed")) });
      }
      if (reader.done && !bodyDone) {
        bodyDone = true;
        resolveBody(reader.body);
        socket.destroy();
      }
    };
    socket.on("data", (chunk: Buffer) => {
      try {
        reader.push(chunk);
      } catch (err) {
        return fail(err as Error);
      }
      progress();
    });
    socket.on("end", () => {
      try {
        reader.end();
      } catch (err) {
        return fail(err as Error);
      }
      progress();
    });
    socket.on("error", fail);
    socket.write(typeof req.body === "string" || req.body === undefined ? text + (req.body ?? "") : text);
    if (Buffer.isBuffer(req.body) && req.body.length > 0) socket.write(req.body);
  });
}

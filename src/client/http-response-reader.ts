// Reads one HTTP/1.1 response from the bytes of a connection (RFC 9112): the status line and
// header fields (§2, §4, §5), then the body framed as §6.3 says: none (HEAD, 1xx, 204, 304),
// chunked (§7.1), Content-Length, or up to the end of the connection. A 101 ends the message at
// its head: what follows belongs to the upgraded protocol (`rest`).
const CRLF = Buffer.from("\r\n");
const HEAD_END = Buffer.from("\r\n\r\n");
const MAX_HEAD = 64 * 1024;
const EMPTY = Buffer.alloc(0);

export interface ResponseHead {
  status: number;
  /** Field names in lower case; repeated fields joined with ", " (RFC 9110 §5.3). */
  headers: Map<string, string>;
}

export class HttpResponseError extends Error {
  override readonly name = "HttpResponseError";
}

type Framing =
  | { kind: "none" }
  | { kind: "length"; remaining: number }
  | { kind: "close" }
  | { kind: "chunked"; step: "size" | "data" | "data-end" | "trailer"; remaining: number };

export class HttpResponseReader {
  head: ResponseHead | undefined;
  /** True once the whole message is in. */
  done = false;
  /** Bytes after a 101's head (or after a complete message): the next protocol's. */
  rest: Buffer = EMPTY;
  private pending: Buffer = EMPTY;
  private framing: Framing = { kind: "close" };
  private readonly chunks: Buffer[] = [];

  constructor(private readonly method: string) {}

  get body(): Buffer {
    return this.chunks.length === 1 ? (this.chunks[0] ?? EMPTY) : Buffer.concat(this.chunks);
  }

  /** Feeds the next bytes read; throws HttpResponseError on a malformed response. */
  push(chunk: Buffer): void {
    if (this.done) {
      this.rest = this.rest.length === 0 ? chunk : Buffer.concat([this.rest, chunk]);
      return;
    }
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    if (this.head === undefined && !this.readHead()) return;
    this.readBody();
  }

  /** The connection ended: completes a body read to the end, else the response was cut short. */
  end(): void {
    if (this.done) return;
    if (this.head !== undefined && this.framing.kind === "close") {
      this.done = true;
      return;
    }
    throw new HttpResponseError("the daemon closed the connection before the response was complete");
  }

  private readHead(): boolean {
    const at = this.pending.indexOf(HEAD_END);
    if (at < 0) {
      if (this.pending.length > MAX_HEAD) throw new HttpResponseError("response header too large");
      return false;
    }
    const lines = this.pending.toString("latin1", 0, at).split("\r\n");
    const status = /^HTTP\/1\.[01] (\d{3})(?: |$)/.exec(lines[0] ?? "");
    if (status === null) throw new HttpResponseError(`malformed status line: ${JSON.stringify(lines[0])}`);
    const headers = new Map<string, string>();
    for (const line of lines.slice(1)) {
      const colon = line.indexOf(":");
      if (colon <= 0) throw new HttpResponseError(`malformed header field: ${JSON.stringify(line)}`);
      const name = line.slice(0, colon).toLowerCase();
      const value = line.slice(colon + 1).trim();
      const seen = headers.get(name);
      headers.set(name, seen === undefined ? value : `${seen}, ${value}`);
    }
    const code = Number(status[1]);
    this.pending = this.pending.subarray(at + HEAD_END.length);
    // An interim response (100 Continue, 103 Early Hints) comes before the final one (§9.3).
    if (code < 200 && code !== 101) return this.readHead();
    this.head = { status: code, headers };
    this.framing = framing(this.method, code, headers);
    return true;
  }

  private readBody(): void {
    const f = this.framing;
    if (f.kind === "none") return this.finish();
    if (f.kind === "close") {
      this.take(this.pending.length);
      return;
    }
    if (f.kind === "length") {
      const n = Math.min(f.remaining, this.pending.length);
      this.take(n);
      f.remaining -= n;
      if (f.remaining === 0) this.finish();
      return;
    }
    // chunked: chunk-size [ chunk-ext ] CRLF chunk-data CRLF ... last-chunk trailer-section CRLF
    for (;;) {
      if (f.step === "data") {
        const n = Math.min(f.remaining, this.pending.length);
        this.take(n);
        f.remaining -= n;
        if (f.remaining > 0) return;
        f.step = "data-end";
      }
      const eol = this.pending.indexOf(CRLF);
      if (eol < 0) {
        if (this.pending.length > MAX_HEAD) throw new HttpResponseError("chunk header too large");
        return;
      }
      const line = this.pending.toString("latin1", 0, eol);
      this.pending = this.pending.subarray(eol + CRLF.length);
      if (f.step === "data-end") {
        if (line !== "") throw new HttpResponseError("chunk data longer than its size");
        f.step = "size";
      } else if (f.step === "size") {
        const size = /^([0-9a-fA-F]+)[ \t]*(?:;.*)?$/.exec(line);
        if (size === null) throw new HttpResponseError(`malformed chunk size: ${JSON.stringify(line)}`);
        f.remaining = parseInt(size[1] ?? "", 16);
        f.step = f.remaining === 0 ? "trailer" : "data";
      } else if (line === "") {
        return this.finish(); // the empty line after the trailer fields
      }
    }
  }

  private take(n: number): void {
    if (n === 0) return;
    this.chunks.push(this.pending.subarray(0, n));
    this.pending = this.pending.subarray(n);
  }

  private finish(): void {
    this.done = true;
    this.rest = this.pending;
    this.pending = EMPTY;
  }
}

function framing(method: string, status: number, headers: Map<string, string>): Framing {
  // RFC 9112 §6.3: in this order.
  if (method === "HEAD" || (status >= 100 && status < 200) || status === 204 || status === 304)
    return { kind: "none" };
  const te = headers.get("transfer-encoding");
  if (te !== undefined) {
    const codings = te.split(",").map((c) => c.trim().toLowerCase());
    return codings.at(-1) === "chunked" ? { kind: "chunked", step: "size", remaining: 0 } : { kind: "close" };
  }
  const length = headers.get("content-length");
  if (length !== undefined) {
    // Repeated identical values are allowed (§6.3 item 5); anything else is an error.
    const values = new Set(length.split(",").map((v) => v.trim()));
    const [only] = values;
    if (values.size !== 1 || only === undefined || !/^\d+$/.test(only))
      throw new HttpResponseError(`invalid Content-Length: ${JSON.stringify(length)}`);
    const n = Number(only);
    return n === 0 ? { kind: "none" } : { kind: "length", remaining: n };
  }
  return { kind: "close" };
}

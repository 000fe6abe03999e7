import assert from "node:assert/strict";
import { it } from "node:test";
import { HttpResponseError, HttpResponseReader } from "./http-response-reader.ts";

/** Feeds `raw` in pieces of `step` bytes (every split point is tried by the callers). */
function read(raw: string, step: number, method = "GET", eof = false): HttpResponseReader {
  const r = new HttpResponseReader(method);
  const bytes = Buffer.from(raw, "latin1");
  for (let i = 0; i < bytes.length; i += step) r.push(bytes.subarray(i, i + step));
  if (eof) r.end();
  return r;
}

const CASES: {
  name: string;
  raw: string;
  method?: string;
  eof?: boolean;
  status: number;
  body: string;
  rest?: string;
}[] = [
  {
    name: "Content-Length",
    raw: 'HTTP/1.1 201 Created\r\nContent-Type: application/json\r\nContent-Length: 9\r\n\r\n{"Id":1}\n',
    status: 201,
    body: '{"Id":1}\n',
  },
  {
    name: "chunked, with an extension and a trailer",
    raw: "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4;x=y\r\nWiki\r\n6\r\npedia \r\nE\r\nin \r\n\r\nchunks.\r\n0\r\nX-T: 1\r\n\r\n",
    status: 200,
    body: "Wikipedia in \r\n\r\nchunks.",
  },
  { name: "no body: 204", raw: "HTTP/1.1 204 No Content\r\nX: y\r\n\r\n", status: 204, body: "" },
  {
    name: "no body: HEAD",
    raw: "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n",
    method: "HEAD",
    status: 200,
    body: "",
  },
  { name: "Content-Length: 0", raw: "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", status: 200, body: "" },
  {
    name: "101: the rest is the next protocol's",
    raw: "HTTP/1.1 101 UPGRADED\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n\u0001\u0000\u0000\u0000\u0000\u0000\u0000\u0002hi",
    status: 101,
    body: "",
    rest: "\u0001\u0000\u0000\u0000\u0000\u0000\u0000\u0002hi",
  },
  {
    name: "an interim 100 before the final response",
    raw: "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok",
    status: 200,
    body: "ok",
  },
  {
    name: "no length: the body runs to the end of the connection",
    raw: "HTTP/1.0 200 OK\r\n\r\nall of it",
    eof: true,
    status: 200,
    body: "all of it",
  },
];

for (const c of CASES) {
  it(`reads ${c.name}, split at every byte count`, () => {
    for (let step = 1; step <= c.raw.length; step++) {
      const r = read(c.raw, step, c.method, c.eof);
      assert.equal(r.done, true, `step ${step}`);
      assert.equal(r.head?.status, c.status);
      assert.equal(r.body.toString("latin1"), c.body, `step ${step}`);
      assert.equal(r.rest.toString("latin1"), c.rest ?? "", `step ${step}`);
    }
  });
}

it("keeps the header fields by lower-case name, repeated ones joined", () => {
  const r = read("HTTP/1.1 200 OK\r\nApi-Version: 1.47\r\nX-A: 1\r\nx-a: 2\r\nContent-Length: 0\r\n\r\n", 7);
  assert.equal(r.head?.headers.get("api-version"), "1.47");
  assert.equal(r.head?.headers.get("x-a"), "1, 2");
});

it("is not done until the body is in; an early end is an error", () => {
  const r = read("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nabc", 100);
  assert.equal(r.done, false);
  assert.throws(() => r.end(), HttpResponseError);
  const chunked = read("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n", 100);
  assert.equal(chunked.done, false);
  assert.throws(() => chunked.end(), HttpResponseError);
  assert.throws(() => new HttpResponseReader("GET").end(), HttpResponseError);
});

it("refuses malformed responses", () => {
  for (const raw of [
    "HTTP/2 200 OK\r\n\r\n",
    "HTTP/1.1 200 OK\r\nno colon\r\n\r\n",
    "HTTP/1.1 200 OK\r\nContent-Length: 1, 2\r\n\r\n",
    "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n",
    "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
    "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nab\r\n",
  ])
    assert.throws(() => read(raw, 100), HttpResponseError, raw);
});

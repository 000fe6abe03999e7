import assert from "node:assert/strict";
import { test } from "node:test";
import { displayProgress } from "./progress-display.ts";
import { StreamError } from "./json-messages.ts";

function sink(): { out: NodeJS.WritableStream; text: () => string } {
  let text = "";
  const out = { write: (s: string) => ((text += s), true) } as unknown as NodeJS.WritableStream;
  return { out, text: () => text };
}

async function* lines(...msgs: object[]): AsyncGenerator<Buffer> {
  for (const m of msgs) yield Buffer.from(JSON.stringify(m) + "\r\n");
}

const stream = [
  { status: "Pulling from library/busybox", id: "latest" },
  { status: "Pulling fs layer", progressDetail: {}, id: "aaa" },
  { status: "Downloading", progressDetail: { current: 500, total: 1000 }, id: "aaa" },
  { status: "Pull complete", progressDetail: {}, id: "aaa" },
  { status: "Digest: sha256:x" },
];

test("not a terminal: status lines only, no byte progress", async () => {
  const s = sink();
  await displayProgress(lines(...stream), s.out, { tty: false });
  assert.equal(
    s.text(),
    "latest: Pulling from library/busybox\naaa: Pulling fs layer\naaa: Pull complete\nDigest: sha256:x\n",
  );
});

test("a terminal: each layer's line is redrawn in place with a bar", async () => {
  const s = sink();
  await displayProgress(lines(...stream), s.out, { tty: true });
  const text = s.text();
  assert.match(text, /\x1b\[1A\r\x1b\[2Kaaa: Downloading \[=+>\s+\]\s+500B\/1kB\r\x1b\[1B/);
  assert.match(text, /\x1b\[1A\r\x1b\[2Kaaa: Pull complete/);
});

test("an error message ends the display with that message", async () => {
  const s = sink();
  await assert.rejects(
    displayProgress(lines(stream[0] ?? {}, { errorDetail: { message: "boom" }, error: "boom" }), s.out, {
      tty: false,
    }),
    (err: unknown) => err instanceof StreamError && err.message === "boom",
  );
});

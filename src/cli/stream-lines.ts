// The lines of a daemon's newline-delimited stream (JSON messages of pull/load/build, events,
// stats), as they arrive.
import { StringDecoder } from "node:string_decoder";

/**
 * Each line of `body`, trimmed, blank ones skipped, the last one even without its newline. A
 * UTF-8 character split between two chunks is decoded whole.
 */
export async function* streamLines(body: AsyncIterable<Buffer>): AsyncGenerator<string> {
  const decoder = new StringDecoder("utf8");
  let pending = "";
  for await (const chunk of body) {
    pending += decoder.write(chunk);
    let nl: number;
    while ((nl = pending.indexOf("\n")) >= 0) {
      const line = pending.slice(0, nl).trim();
      pending = pending.slice(nl + 1);
      if (line !== "") yield line;
    }
  }
  const last = (pending + decoder.end()).trim();
  if (last !== "") yield last;
}

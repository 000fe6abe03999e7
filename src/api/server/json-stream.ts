// A streamed JSON-message response (docker's jsonmessage stream: one object per line), used by
// load, import, pull, push and build. Errors after the 200 header go in-band as {"error": ...},
// which is how the docker CLI expects them.
import type { ServerResponse } from "node:http";
import type { JsonMessage } from "../types/index.ts";

export class JsonMessageStream {
  private started = false;
  constructor(private readonly res: ServerResponse) {}

  start(): void {
    if (this.started) return;
    this.started = true;
    this.res.writeHead(200, { "Content-Type": "application/json" });
  }

  get isStarted(): boolean {
    return this.started;
  }

  write(message: JsonMessage): void {
    this.start();
    this.res.write(JSON.stringify(message) + "\r\n");
  }

  error(message: string): void {
    this.write({ errorDetail: { message }, error: message });
  }

  end(): void {
    this.start();
    this.res.end();
  }
}

// Worker thread entry (bundled as dist/layer-worker.mjs): applies layers one at a time as the
// pool sends them, with its own hash thread. Synchronous fs calls are cheap here and keep the
// daemon's event loop free.
import { parentPort } from "node:worker_threads";
import { applyLayerInProcess } from "./apply-layer-in-process.ts";
import { HashThread } from "./hash-thread.ts";
import type { LayerWorkerReply, LayerWorkerRequest } from "./layer-worker-protocol.ts";
import { serializeError } from "./layer-worker-protocol.ts";

const port = parentPort;
if (port === null) throw new Error("layer-worker.ts runs only as a worker thread");
const hasher = new HashThread();

port.on("message", (request: LayerWorkerRequest) => {
  const reply = (message: LayerWorkerReply): void => port.postMessage(message);
  const { id } = request;
  applyLayerInProcess(request.source, request.dest, hasher.start()).then(
    (result) => reply({ id, ok: true, result }),
    (err: unknown) => reply({ id, ok: false, error: serializeError(err) }),
  );
});

// Worker thread entry (bundled as dist/layer-worker.mjs): applies the one layer named in
// workerData and posts a LayerWorkerReply. Synchronous fs calls are cheap here and keep the
// daemon's event loop free.
import { parentPort, workerData } from "node:worker_threads";
import { applyLayerInProcess } from "./apply-layer-in-process.ts";
import type { LayerWorkerReply, LayerWorkerRequest } from "./layer-worker-protocol.ts";
import { serializeError } from "./layer-worker-protocol.ts";

const request = workerData as LayerWorkerRequest;
const reply = (message: LayerWorkerReply): void => parentPort?.postMessage(message);

applyLayerInProcess(request.blobPath, request.dest).then(
  (result) => reply({ ok: true, result }),
  (err: unknown) => reply({ ok: false, error: serializeError(err) }),
);

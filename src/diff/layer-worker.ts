// Worker thread entry (bundled as dist/layer-worker.mjs): applies layers one at a time as the
// pool sends them, with its own hash thread. Synchronous fs calls are cheap here and keep the
// daemon's event loop free.
import { parentPort } from "node:worker_threads";
import { applyLayerInProcess } from "./apply-layer-in-process.ts";
import { HashThread } from "./hash-thread.ts";
import { adjustThreadNice } from "./thread-nice.ts";
import type { LayerWorkerReply, LayerWorkerRequest } from "./layer-worker-protocol.ts";
import { serializeError } from "./layer-worker-protocol.ts";

const WORKER_NICE_DELTA = -5;

const port = parentPort;
if (port === null) throw new Error("layer-worker.ts runs only as a worker thread");
const hasher = new HashThread();
// Nice -5 for this thread alone (its hash thread, started above, keeps the default): the unpack
// is a load's long pole, and on 2 busy cores it otherwise gets about half a core while the
// request body streams in. In `bench/image-load-save.sh` A/B rounds, -5 beat 0 in 10 of 10
// (median 1.34× vs 1.41× of `tar -x`); -10 was no better than 0, as it starves the thread that
// feeds this one (bench/RESULTS.md, session 5).
adjustThreadNice(WORKER_NICE_DELTA);

port.on("message", (request: LayerWorkerRequest) => {
  const reply = (message: LayerWorkerReply): void => port.postMessage(message);
  const { id } = request;
  applyLayerInProcess(request.source, request.dest, hasher.start()).then(
    (result) => reply({ id, ok: true, result }),
    (err: unknown) => reply({ id, ok: false, error: serializeError(err) }),
  );
});

// Throughput of reading back a container log: `node --import tsx src/runtime/logs/bench-logs.mjs [MB]`.
// Writes a k8s-file of MB megabytes of container output (100-byte lines, as conmon writes them),
// then reads it all through readLogBatches + encodeLogFrames (what GET /containers/{id}/logs
// does), and a --tail 10. Not a test: prints MB/s of container output.
import { mkdtemp, open, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { encodeLogFrames, readLogBatches } from "./index.ts";

const print = (line) => process.stdout.write(`${line}\n`);

const megabytes = Number(process.argv[2] ?? 100);
const dir = await mkdtemp(join(tmpdir(), "berth-bench-logs-"));
const path = join(dir, "container.log");
try {
  const payload = "x".repeat(99);
  let block = "";
  for (let i = 0; i < 10_000; i++) {
    block += `2026-11-28T04:29:04.${String(i).padStart(9, "0")}+00:00 ${i % 10 === 0 ? "stderr" : "stdout"} F ${payload}\n`;
  }
  const blockBuf = Buffer.from(block);
  const linesPerBlock = 10_000;
  const blocks = Math.ceil((megabytes * 1e6) / (linesPerBlock * 100));
  const fh = await open(path, "w");
  for (let i = 0; i < blocks; i++) await fh.write(blockBuf);
  await fh.close();
  const output = blocks * linesPerBlock * 100;

  // Worst case above: every line has its own time. conmon stamps all lines of a read alike.
  const shared = join(dir, "shared.log");
  {
    let sharedBlock = "";
    for (let i = 0; i < 10_000; i++) {
      sharedBlock += `2026-11-28T04:29:04.${String(Math.floor(i / 80)).padStart(9, "0")}+00:00 stdout F ${payload}\n`;
    }
    const sfh = await open(shared, "w");
    for (let i = 0; i < blocks; i++) await sfh.write(Buffer.from(sharedBlock));
    await sfh.close();
  }

  const run = async (label, options) => {
    const t0 = process.hrtime.bigint();
    let bytes = 0;
    let framed = 0;
    for await (const batch of readLogBatches([options.path ?? path], {
      follow: false,
      stdout: true,
      stderr: true,
      ...options,
    })) {
      for (const m of batch) bytes += m.data.length;
      framed += encodeLogFrames(batch, { tty: false, timestamps: options.timestamps ?? false }).length;
    }
    const s = Number(process.hrtime.bigint() - t0) / 1e9;
    print(
      `${label}: ${(bytes / 1e6).toFixed(1)} MB of output (${(framed / 1e6).toFixed(1)} MB framed) in ` +
        `${(s * 1000).toFixed(0)} ms = ${(bytes / 1e6 / s).toFixed(0)} MB/s`,
    );
  };
  print(`log file: ${(blocks * blockBuf.length) / 1e6} MB on disk for ${output / 1e6} MB of output`);
  await run("all", {});
  await run("all -t", { timestamps: true });
  await run("tail 10", { tail: 10 });
  await run("all, 80 lines per conmon read", { path: shared });
} finally {
  await rm(dir, { recursive: true, force: true });
}

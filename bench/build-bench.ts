// Build budgets (issue 7): a 6-step build fully cached and cold through the docker CLI, and the
// cost of sending a 200 MB context next to `tar -c` of it. Run as root after `npm run build`:
// node --import tsx bench/build-bench.ts
import { writeFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { makeBusyboxImage } from "../test/helpers/busybox.ts";
import { startDaemon } from "../test/helpers/daemon.ts";
const d = await startDaemon();
try {
  const archive = join(d.dir, "busybox.tar");
  await makeBusyboxImage(archive);
  await d.docker(["load", "-i", archive]);
  const ctx = join(d.dir, "ctx");
  mkdirSync(ctx);
  writeFileSync(join(ctx, "small"), "hello\n");
  writeFileSync(join(ctx, "big"), Buffer.alloc(1024 * 1024, 7));
  writeFileSync(
    join(ctx, "Dockerfile"),
    'FROM busybox\nENV A=b\nRUN echo one > /one\nCOPY small /small\nRUN echo two > /two\nCOPY big /big\nRUN echo three > /three\nCMD ["sh"]\n',
  );
  const env = { ...process.env, DOCKER_BUILDKIT: "0" };
  const times: number[] = [];
  for (let i = 0; i < 3; i++) {
    const t = performance.now();
    const r = await d.docker(["build", "--no-cache", "-t", "b:1", ctx], { env });
    times.push(performance.now() - t);
    if (r.code !== 0) console.log(r.stderr);
  }
  console.log("cold (no-cache) ms", times.map(Math.round));
  const cached: number[] = [];
  for (let i = 0; i < 7; i++) {
    const t = performance.now();
    const r = await d.docker(["build", "-t", "b:1", ctx], { env });
    cached.push(performance.now() - t);
    if (r.code !== 0) console.log(r.stderr);
  }
  cached.sort((a, b) => a - b);
  console.log("cached ms", cached.map(Math.round), "median", Math.round(cached[3]!));
  const v: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t = performance.now();
    await d.docker(["version"]);
    v.push(performance.now() - t);
  }
  console.log("docker version ms", v.map(Math.round));
  // Sending a 200 MB context vs `tar -c` of the same directory (budget ≤ 1.3×).
  const big = join(d.dir, "bigctx");
  mkdirSync(big);
  const { randomFillSync } = await import("node:crypto");
  const { execFileSync } = await import("node:child_process");
  for (let i = 0; i < 20; i++)
    writeFileSync(join(big, `f${i}`), randomFillSync(Buffer.alloc(10 * 1024 * 1024)));
  writeFileSync(join(big, "Dockerfile"), "FROM busybox\nLABEL big=1\n");
  await d.docker(["build", "-t", "big:1", big], { env });
  const send: number[] = [];
  const tarT: number[] = [];
  for (let i = 0; i < 5; i++) {
    let t = performance.now();
    execFileSync("sh", ["-c", `tar -c -C ${big} . | cat > /dev/null`]);
    tarT.push(performance.now() - t);
    t = performance.now();
    const r = await d.docker(["build", "-t", "big:1", big], { env });
    send.push(performance.now() - t);
    if (r.code !== 0) console.log(r.stderr);
  }
  const med = (a: number[]): number => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)]!;
  console.log(
    "200MB context: build (cached) ms",
    send.map(Math.round),
    "median",
    Math.round(med(send)),
    "tar -c median",
    Math.round(med(tarT)),
    "ratio",
    (med(send) / med(tarT)).toFixed(2),
  );
} finally {
  await d.cleanup();
}

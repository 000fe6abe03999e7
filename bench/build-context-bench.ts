// What sending a 200 MB build context adds (issue 7 budget: ≤ 1.3× `tar -c` of it). "Adds" is
// the build's time with the 200 MB context minus the same build (a cached one-step Dockerfile)
// with a tiny context, both through `DOCKER_BUILDKIT=0 docker build`. Floors measured in the
// same rounds: `tar -c` of the directory to /dev/null and to a file, and `tar -c | tar -x` into
// a directory on berthd's disk (what receiving a context into files costs at least).
// Several berthd bundles can be compared interleaved: BENCH_BERTHD=a.mjs,b.mjs (default: dist).
// Run as root after `npm run build`: node --import tsx bench/build-context-bench.ts
import { execFile, execFileSync } from "node:child_process";
import { createServer } from "node:http";
import { randomFillSync } from "node:crypto";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { makeBusyboxImage } from "../test/helpers/busybox.ts";
import { startDaemon, type TestDaemon } from "../test/helpers/daemon.ts";

const rounds = Number(process.env.BENCH_RUNS ?? 7);
const entries = (process.env.BENCH_BERTHD ?? "").split(",").filter(Boolean);
const env = { ...process.env, DOCKER_BUILDKIT: "0" };
const daemons: { name: string; d: TestDaemon }[] = [];
const med = (a: number[]): number => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)] ?? NaN;
try {
  for (const entry of entries.length > 0 ? entries : [""]) {
    const d = await startDaemon(entry ? { entry } : {});
    daemons.push({ name: entry || "dist", d });
  }
  const dir = daemons[0]!.d.dir;
  const archive = join(dir, "busybox.tar");
  await makeBusyboxImage(archive);
  const tiny = join(dir, "tiny");
  const big = join(dir, "big");
  mkdirSync(tiny);
  mkdirSync(big);
  const dockerfile = "FROM busybox\nLABEL big=1\n";
  writeFileSync(join(tiny, "Dockerfile"), dockerfile);
  writeFileSync(join(big, "Dockerfile"), dockerfile);
  for (let i = 0; i < 20; i++)
    writeFileSync(join(big, `f${i}`), randomFillSync(Buffer.alloc(10 * 1024 * 1024)));
  for (const { d } of daemons) {
    await d.docker(["load", "-i", archive]);
    await d.docker(["build", "-t", "ctx:1", tiny], { env }); // warm the step cache
  }
  // The docker CLI's own cost: the same `docker build` against a server that only drains the
  // context and answers with an image id (what any daemon must at least wait for).
  const drainSock = join(dir, "drain.sock");
  const drain = createServer((req, res) => {
    res.setHeader("Api-Version", "1.47");
    if (!req.url?.includes("/build")) return void res.end(req.url?.endsWith("/_ping") ? "OK" : "{}");
    req.resume();
    req.on("end", () => res.end(JSON.stringify({ stream: `sha256:${"a".repeat(64)}\n` }) + "\n"));
  });
  await new Promise<void>((resolve) => drain.listen(drainSock, resolve));
  const time = (f: () => void): number => {
    const t = performance.now();
    f();
    return performance.now() - t;
  };
  type Docker = (a: string[]) => Promise<{ code: number | null; stderr: string }>;
  const targets: { name: string; docker: Docker }[] = daemons.map(({ name, d }) => ({
    name,
    docker: (a) => d.docker(a, { env }),
  }));
  targets.push({
    name: "CLI→drain",
    docker: (a) =>
      new Promise((resolve) =>
        execFile(
          "docker",
          a,
          { env: { ...env, DOCKER_HOST: `unix://${drainSock}`, DOCKER_API_VERSION: "1.47" } },
          (err, stdout, stderr) => resolve({ code: err ? 1 : 0, stderr: stdout + stderr }),
        ),
      ),
  });
  const sink = join(dir, "sink");
  const t: Record<string, number[]> = {
    "tar -c | cat >/dev/null": [],
    "tar -c >file": [],
    "tar -c | tar -x": [],
  };
  for (let r = 0; r < rounds; r++) {
    t["tar -c | cat >/dev/null"]!.push(
      time(() => execFileSync("sh", ["-c", `tar -c -C ${big} . | cat > /dev/null`])),
    );
    t["tar -c >file"]!.push(time(() => execFileSync("sh", ["-c", `tar -c -C ${big} . > ${sink}.tar`])));
    rmSync(`${sink}.tar`, { force: true });
    mkdirSync(sink);
    t["tar -c | tar -x"]!.push(
      time(() => execFileSync("sh", ["-c", `tar -c -C ${big} . | tar -x -C ${sink}`])),
    );
    rmSync(sink, { recursive: true, force: true });
    // Alternate the order each round so no daemon always runs right after the floors.
    for (const { name, docker } of r % 2 === 0 ? targets : [...targets].reverse()) {
      for (const [label, ctx] of [
        ["tiny", tiny],
        ["big", big],
      ] as const) {
        const s = performance.now();
        const res = await docker(["build", "-q", "-t", "ctx:1", ctx]);
        (t[`${name} ${label}`] ??= []).push(performance.now() - s);
        if (res.code !== 0) console.log(res.stderr);
      }
    }
  }
  const tarMed = med(t["tar -c | cat >/dev/null"]!);
  for (const [k, v] of Object.entries(t))
    console.log(k.padEnd(40), "median", Math.round(med(v)), v.map(Math.round).join(" "));
  for (const { name } of targets) {
    const adds = med(t[`${name} big`]!) - med(t[`${name} tiny`]!);
    // Also the median of the per-round differences (the two builds ran back to back).
    const diffs = t[`${name} big`]!.map((b, i) => b - (t[`${name} tiny`]![i] ?? 0));
    console.log(
      `${name}: adds ${Math.round(adds)} ms (per-round median ${Math.round(med(diffs))}),`,
      `${(adds / tarMed).toFixed(2)}× tar -c | cat >/dev/null, ${(adds / med(t["tar -c >file"]!)).toFixed(2)}× tar -c >file`,
    );
  }
  drain.close();
} finally {
  for (const { d } of daemons) await d.cleanup();
}

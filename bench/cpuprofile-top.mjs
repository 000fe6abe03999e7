// Summarizes V8 .cpuprofile files (from `node --cpu-prof`): self time per function, heaviest
// first, and the share of idle/GC/program time. Usage: node bench/cpuprofile-top.mjs FILE... [--top N]
import { readFileSync } from "node:fs";
import { basename } from "node:path";

const args = process.argv.slice(2);
const topIndex = args.indexOf("--top");
const top = topIndex >= 0 ? Number(args.splice(topIndex, 2)[1]) : 25;

for (const file of args) {
  const profile = JSON.parse(readFileSync(file, "utf8"));
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map();
  const deltas = profile.timeDeltas;
  let total = 0;
  profile.samples.forEach((id, i) => {
    const dt = deltas[i + 1] ?? 0;
    total += dt;
    const f = byId.get(id).callFrame;
    const where = f.url ? `${basename(f.url)}:${f.lineNumber + 1}` : "";
    const key = `${f.functionName || "(anonymous)"} ${where}`.trim();
    self.set(key, (self.get(key) ?? 0) + dt);
  });
  const busy = total - (self.get("(idle)") ?? 0);
  console.log(
    `\n${basename(file)}: ${(total / 1e3).toFixed(0)} ms sampled, ${(busy / 1e3).toFixed(0)} ms not idle`,
  );
  for (const [key, us] of [...self].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    console.log(
      `${(us / 1e3).toFixed(1).padStart(9)} ms ${((us / total) * 100).toFixed(1).padStart(5)}%  ${key}`,
    );
  }
}

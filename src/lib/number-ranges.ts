// The two "a-b" list syntaxes Docker parses in several places: cpuset lists ("0-2,5", moby
// parsers.ParseUintList; --cpuset-cpus/--cpuset-mems at create, update and in the spec) and port
// ranges ("8000-8002", go-connections nat.ParsePortRange; PortBindings keys, ps filters).

const CPU_LIST = /^\d+(-\d+)?(,\d+(-\d+)?)*$/;

/** "0-2,5" → [[0, 2], [5, 5]]; undefined when malformed or a range runs backwards. */
export function parseCpuRanges(text: string): [number, number][] | undefined {
  if (!CPU_LIST.test(text)) return undefined;
  const ranges: [number, number][] = [];
  for (const part of text.split(",")) {
    const [lo = 0, hi = lo] = part.split("-").map(Number);
    if (hi < lo) return undefined;
    ranges.push([lo, hi]);
  }
  return ranges;
}

/** "8000-8002" → [8000, 8002], "80" → [80, 80]; undefined unless 0 ≤ start ≤ end ≤ 65535. */
export function parsePortRange(text: string): [number, number] | undefined {
  const m = /^(\d+)(?:-(\d+))?$/.exec(text);
  if (!m) return undefined;
  const start = Number(m[1]);
  const end = m[2] === undefined ? start : Number(m[2]);
  return end <= 65535 && start <= end ? [start, end] : undefined;
}

// Serialises a Spec to config.json. rlimits use `Infinity` for RLIM_INFINITY, which JSON cannot
// hold; runc reads rlimits as uint64, so it is written as 2^64-1 (what Go's uint64(-1) gives).
import type { Spec } from "./types.ts";

const RLIM_INFINITY = "18446744073709551615";
const MARK = "\u0000rlim-infinity\u0000";

export function specToJson(spec: Spec, indent = 2): string {
  const text = JSON.stringify(spec, (_key, value: unknown) => (value === Infinity ? MARK : value), indent);
  return text.replaceAll(JSON.stringify(MARK), RLIM_INFINITY);
}

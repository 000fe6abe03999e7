// Docker's JSON progress messages for pull and push (moby pkg/jsonmessage and
// pkg/progress): per-layer `id` is a 12-hex short digest; `progress` is the bar the docker CLI
// prints when it is not drawing one itself from progressDetail.
import type { JsonMessage } from "../api/types/index.ts";

export function layerStatus(id: string, status: string): JsonMessage {
  return { status, progressDetail: {}, id };
}

export function layerProgress(id: string, status: string, current: number, total: number): JsonMessage {
  return { status, progressDetail: { current, total }, progress: progressBar(current, total), id };
}

/** jsonmessage.JSONProgress.String() at its 110-column default: 50-char bar, then sizes. */
export function progressBar(current: number, total: number): string {
  const numbers = `${humanSize(current).padStart(8)}/${humanSize(total)}`;
  if (total <= 0 || current > total) return numbers.trim();
  const width = 50;
  const filled = Math.floor((current / total) * width);
  const bar = filled >= width ? "=".repeat(width) : `${"=".repeat(filled)}>${" ".repeat(width - filled - 1)}`;
  return `[${bar}] ${numbers}`;
}

/** go-units HumanSize: decimal units, 3 significant digits ("1.23MB", "512B"). */
export function humanSize(n: number): string {
  const units = ["B", "kB", "MB", "GB", "TB", "PB"];
  let v = n;
  let i = 0;
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  return `${Number(v.toPrecision(3))}${units[i]}`;
}

export function shortDigest(digest: string): string {
  return digest.replace(/^[a-z0-9]+:/, "").slice(0, 12);
}

// Byte ranges of the two kinds the registry sees: `Content-Range` on chunk uploads (spec.md
// "Pushing a blob in chunks": MUST match ^[0-9]+-[0-9]+$, inclusive) and `Range` on blob reads
// (RFC 9110 section 14.1.2, single ranges only).

export interface ByteRange {
  start: number;
  /** Inclusive. */
  end: number;
}

/**
 * A chunk's Content-Range. Docker's and containerd's clients send "0-1023" as the spec says;
 * some send the RFC form "bytes 0-1023/*", accepted too. Undefined when malformed or reversed.
 */
export function parseContentRange(header: string): ByteRange | undefined {
  const m = /^(?:bytes[ =])?([0-9]{1,15})-([0-9]{1,15})(?:\/(?:\*|[0-9]{1,15}))?$/.exec(header.trim());
  if (!m) return undefined;
  const start = Number(m[1]);
  const end = Number(m[2]);
  if (end < start) return undefined;
  return { start, end };
}

export type RangeRequest = { kind: "none" } | { kind: "range"; range: ByteRange } | { kind: "unsatisfiable" };

/**
 * A `Range: bytes=...` header against a blob of `size` bytes. Multiple ranges and other units
 * are answered with the whole blob (RFC 9110 allows ignoring Range); a range starting at or past
 * the end, or malformed numbers, are unsatisfiable (416).
 */
export function parseRangeHeader(header: string | undefined, size: number): RangeRequest {
  if (header === undefined || header === "") return { kind: "none" };
  const m = /^bytes=\s*(.*)$/i.exec(header.trim());
  if (!m) return { kind: "none" };
  const spec = (m[1] ?? "").trim();
  if (spec.includes(",")) return { kind: "none" };
  const r = /^([0-9]*)-([0-9]*)$/.exec(spec);
  if (!r || (r[1] === "" && r[2] === "")) return { kind: "unsatisfiable" };
  if (r[1] === "") {
    // suffix range: the last N bytes
    const n = Number(r[2]);
    if (!Number.isSafeInteger(n) || n === 0 || size === 0) return { kind: "unsatisfiable" };
    return { kind: "range", range: { start: Math.max(0, size - n), end: size - 1 } };
  }
  const start = Number(r[1]);
  const end = r[2] === "" ? size - 1 : Math.min(Number(r[2]), size - 1);
  if (!Number.isSafeInteger(start) || !Number.isFinite(end) || start >= size || end < start) {
    return { kind: "unsatisfiable" };
  }
  return { kind: "range", range: { start, end } };
}

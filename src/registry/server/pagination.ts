// Pagination of tags/list and _catalog (spec.md "Listing Tags": `n` entries after `last`, in
// lexical order, with an RFC 5988 Link header naming the next page when more remain).

export interface PageRequest {
  n?: number;
  last?: string;
}

export interface Page {
  items: string[];
  /** The next page's URL (path and query) when the list goes on. */
  next?: string;
}

/** Reads n/last from a query; n must be a non-negative integer (else undefined = invalid). */
export function parsePageRequest(query: URLSearchParams): PageRequest | undefined {
  const req: PageRequest = {};
  const n = query.get("n");
  if (n !== null && n !== "") {
    if (!/^[0-9]{1,9}$/.test(n)) return undefined;
    req.n = Number(n);
  }
  const last = query.get("last");
  if (last !== null && last !== "") req.last = last;
  return req;
}

/** Byte-wise lexical order, as Go's sort.Strings (the spec's "lexical order"). */
export function lexicalCompare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * One page of `all` (any order). `path` is the endpoint's path, used for the Link; `limit` caps n
 * (and is the page size when n is absent).
 */
export function paginate(all: readonly string[], req: PageRequest, path: string, limit = 1000): Page {
  const sorted = [...all].sort(lexicalCompare);
  const after = req.last === undefined ? sorted : sorted.filter((s) => lexicalCompare(s, req.last ?? "") > 0);
  const n = Math.min(req.n ?? limit, limit);
  const items = after.slice(0, n);
  const more = after.length > items.length && items.length > 0;
  if (!more) return { items };
  const last = items[items.length - 1] ?? "";
  return { items, next: `${path}?n=${n}&last=${encodeURIComponent(last)}` };
}

/** The Link header value for a next page. */
export function linkHeader(next: string): string {
  return `<${next}>; rel="next"`;
}

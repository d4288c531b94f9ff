import { invalid } from "./api-error";

/**
 * Keyset paging: a page token names the last row sent (by its id, which
 * never changes; its place is its `seq`), so rows created, updated or
 * deleted between two page requests cause neither gaps nor duplicates in
 * the pages already planned. The token is the row's own id, looked up in
 * the collection paged: it tells nothing of other rows (a row number
 * counted over every account would tell how many others made), and a
 * token of another list is refused.
 */
export interface Page {
  /** Rows to fetch: one more than the page size, to learn whether more exist. */
  limit: number;
  /** Only rows with a greater seq. */
  afterSeq: number;
  size: number;
}

/**
 * Reads `maxResults` (clamped to `max`, as Google does) and `pageToken`;
 * `seqOf` finds the place of the row a token names in the collection paged.
 */
export function readPage(query: URLSearchParams, defaultSize: number, max: number, seqOf: (rowId: string) => number | undefined): Page {
  const raw = query.get("maxResults");
  let size = defaultSize;
  if (raw !== null && raw !== "") {
    const n = Number(raw);
    if (!/^\d+$/.test(raw) || !Number.isSafeInteger(n) || n < 1) {
      throw invalid(`Invalid value for parameter "maxResults": expected a positive integer, got "${raw}".`, "maxResults");
    }
    size = Math.min(n, max);
  }
  return { size, limit: size + 1, afterSeq: afterSeqOf(query.get("pageToken"), seqOf) };
}

/**
 * Cuts the fetched rows to the page and makes the next token, if any.
 * `rows` must be ordered by seq and hold at most `page.limit` rows.
 */
export function cutPage<T extends { seq: number; id: string }>(rows: T[], page: Page): { rows: T[]; nextPageToken?: string } {
  if (rows.length <= page.size) return { rows };
  const kept = rows.slice(0, page.size);
  return { rows: kept, nextPageToken: kept[kept.length - 1].id };
}

function afterSeqOf(token: string | null, seqOf: (rowId: string) => number | undefined): number {
  if (token === null || token === "") return 0;
  const seq = seqOf(token);
  if (seq === undefined) {
    const shown = token.length > 80 ? `${token.slice(0, 80)}… (${token.length} characters)` : token;
    throw invalid(`Invalid value for parameter "pageToken": "${shown}" is not a token this server issued for this list.`, "pageToken");
  }
  return seq;
}

import { invalid } from "./api-error";

/**
 * Keyset paging: a page token names the last row sent (its `seq`, which never
 * changes), so rows created, updated or deleted between two page requests
 * cause neither gaps nor duplicates in the pages already planned.
 */
export interface Page {
  /** Rows to fetch: one more than the page size, to learn whether more exist. */
  limit: number;
  /** Only rows with a greater seq. */
  afterSeq: number;
  size: number;
}

/** Reads `maxResults` (clamped to `max`, as Google does) and `pageToken`. */
export function readPage(query: URLSearchParams, defaultSize: number, max: number): Page {
  const raw = query.get("maxResults");
  let size = defaultSize;
  if (raw !== null && raw !== "") {
    const n = Number(raw);
    if (!/^\d+$/.test(raw) || !Number.isSafeInteger(n) || n < 1) {
      throw invalid(`Invalid value for parameter "maxResults": expected a positive integer, got "${raw}".`, "maxResults");
    }
    size = Math.min(n, max);
  }
  return { size, limit: size + 1, afterSeq: decodePageToken(query.get("pageToken")) };
}

/**
 * Cuts the fetched rows to the page and makes the next token, if any.
 * `rows` must be ordered by seq and hold at most `page.limit` rows.
 */
export function cutPage<T extends { seq: number }>(rows: T[], page: Page): { rows: T[]; nextPageToken?: string } {
  if (rows.length <= page.size) return { rows };
  const kept = rows.slice(0, page.size);
  return { rows: kept, nextPageToken: encodePageToken(kept[kept.length - 1].seq) };
}

function encodePageToken(seq: number): string {
  return Buffer.from(`after:${seq}`).toString("base64url");
}

function decodePageToken(token: string | null): number {
  if (token === null || token === "") return 0;
  const match = /^after:(\d+)$/.exec(Buffer.from(token, "base64url").toString("utf8"));
  if (!match) throw invalid(`Invalid value for parameter "pageToken": "${token}" is not a token this server issued.`, "pageToken");
  return Number(match[1]);
}

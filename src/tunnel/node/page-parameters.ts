/** Tunnels or nodes per page of `/tunnels` and `/nodes` when `limit` is not given. */
export const DEFAULT_PAGE_SIZE = 100;
/** The largest `limit` `/tunnels` and `/nodes` accept. */
export const MAX_PAGE_SIZE = 1_000;

/** A `limit` as a number, or the 400 message naming the parameter. */
export function parseLimit(text: string | undefined): number | { readonly error: string } {
  if (text === undefined) return DEFAULT_PAGE_SIZE;
  const limit = /^[0-9]{1,7}$/.test(text) ? Number(text) : NaN;
  if (!(limit >= 1 && limit <= MAX_PAGE_SIZE)) return { error: `parameter "limit" must be an integer from 1 to ${MAX_PAGE_SIZE}, got ${JSON.stringify(text)}` };
  return limit;
}

/**
 * A store cursor as the views hand it out: its UTF-8 bytes in base64url
 * (RFC 4648 §5, no padding), opaque to clients and safe in a URL.
 */
export function encodeCursor(cursor: string): string {
  return Buffer.from(cursor, "utf8").toString("base64url");
}

const strictUtf8 = new TextDecoder("utf-8", { fatal: true });

/**
 * The store cursor of a `parameter` (`after`, `cursor`) a client sent back,
 * or the 400 message naming it when it is not base64url of UTF-8 text that
 * `accept` recognizes as a cursor the server handed out.
 */
export function decodeCursor(parameter: string, text: string, accept: (cursor: string) => boolean): string | { readonly error: string } {
  const bad = { error: `parameter "${parameter}" is not a cursor from a previous page (the "next" of the last answer), got ${JSON.stringify(text.slice(0, 100))}` };
  if (!/^[A-Za-z0-9_-]+$/.test(text) || text.length > 4096) return bad;
  const bytes = Buffer.from(text, "base64url");
  if (bytes.toString("base64url") !== text) return bad;
  let cursor: string;
  try {
    cursor = strictUtf8.decode(bytes);
  } catch {
    return bad;
  }
  return accept(cursor) ? cursor : bad;
}

/** Whether `cursor` has the shape of a tunnel cursor (an index member: a JSON array of three strings). */
export function isTunnelCursor(cursor: string): boolean {
  try {
    const parsed = JSON.parse(cursor) as unknown;
    return Array.isArray(parsed) && parsed.length === 3 && parsed.every((part) => typeof part === "string");
  } catch {
    return false;
  }
}

/**
 * Whether `cursor` has the shape of a node cursor of either store: the Redis
 * store's SSCAN cursor (an unsigned 64-bit decimal, not 0) or the memory
 * store's last node key (a JSON string). Redis refuses any other cursor with
 * an error that would otherwise be a 500.
 */
export function isNodeCursor(cursor: string): boolean {
  if (/^[1-9][0-9]{0,19}$/.test(cursor)) return BigInt(cursor) < 2n ** 64n;
  if (!cursor.startsWith('"')) return false;
  try {
    return typeof JSON.parse(cursor) === "string";
  } catch {
    return false;
  }
}

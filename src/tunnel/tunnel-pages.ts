import { formatNodeKey } from "./node-key.js";
import type { NodeRecord, NodeSummary, TunnelView } from "./tunnel-record.js";
import { summarizeNode } from "./select-tunnels.js";

/** One page of tunnels, and the cursor of the next (`undefined` after the last page). */
export interface TunnelPage {
  readonly tunnels: TunnelView[];
  readonly next: string | undefined;
}

/** One page of reporting nodes, and the cursor of the next (`undefined` after the last page). */
export interface NodePage {
  readonly nodes: NodeSummary[];
  readonly next: string | undefined;
}

/** The largest page the stores read (as the Redis store). */
export const MAX_STORE_PAGE = 10_000;

/** @throws RangeError unless `size` is an integer in 1..{@link MAX_STORE_PAGE}. */
export function checkPageSize(size: number): void {
  if (!Number.isInteger(size) || size < 1 || size > MAX_STORE_PAGE) throw new RangeError(`a page holds 1 to ${MAX_STORE_PAGE} items, got ${size}`);
}

/** The node cursor that starts a listing (as Redis's SSCAN starts at 0). */
export const FIRST_NODE_CURSOR = "0";

/**
 * The tunnel cursor of `tunnel`: its routing-index member,
 * `JSON.stringify([initiator node id, reporting node key, name])`. Tunnel
 * pages are ordered by these strings' code points (Redis orders the index by
 * their UTF-8 bytes, the same order), and a page starts right after its cursor.
 */
export function tunnelCursor(tunnel: TunnelView): string {
  return JSON.stringify([tunnel.identity.nodeId, formatNodeKey(tunnel.reportingNode), tunnel.name]);
}

/**
 * The cursor just below every tunnel of one initiator (a prefix of each of
 * their cursors), so a page after it starts with that initiator's first tunnel.
 */
export function initiatorStartCursor(initiatorNodeId: string): string {
  return `[${JSON.stringify(initiatorNodeId)},`;
}

/**
 * Orders strings by code point, which is the order of their UTF-8 bytes
 * (Redis's order), where `<` compares UTF-16 code units and puts astral
 * characters (surrogates) below U+E000..U+FFFF.
 */
export function compareCodePoints(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    if (x >= 0xd800 && y >= 0xd800) {
      x = x >= 0xe000 ? x - 0x800 : x + 0x2000;
      y = y >= 0xe000 ? y - 0x800 : y + 0x2000;
    }
    return x - y;
  }
  return a.length - b.length;
}

/**
 * Up to `limit` tunnels of `records` whose cursor (see {@link tunnelCursor})
 * follows `after` (`undefined`: from the first), in cursor order; `next` is
 * the last one's cursor when more follow. The same order and cursor as the
 * Redis store's routing index, computed here over every tunnel (an in-memory
 * sort: no I/O, O(n log n) per page).
 */
export function tunnelPageOf(records: Iterable<NodeRecord>, after: string | undefined, limit: number): TunnelPage {
  const entries: { cursor: string; view: TunnelView }[] = [];
  for (const record of records) {
    for (const tunnel of record.tunnels.values()) {
      const view: TunnelView = { ...tunnel, reportingNode: record.node };
      const cursor = tunnelCursor(view);
      if (after === undefined || compareCodePoints(cursor, after) > 0) entries.push({ cursor, view });
    }
  }
  entries.sort((a, b) => compareCodePoints(a.cursor, b.cursor));
  const page = entries.slice(0, limit);
  return { tunnels: page.map((e) => e.view), next: entries.length > limit ? page[page.length - 1]!.cursor : undefined };
}

/**
 * Up to `count` nodes of `records` after the cursor `cursor`
 * ({@link FIRST_NODE_CURSOR}: from the first), ordered by node key; the
 * cursor is the last node's key as a JSON string, so a node present
 * throughout a listing is listed exactly once whatever changes between pages.
 * @throws RangeError for a cursor this function did not return.
 */
export function nodePageOf(records: Iterable<NodeRecord>, cursor: string, count: number): NodePage {
  const after = cursor === FIRST_NODE_CURSOR ? undefined : parseNodeCursor(cursor);
  const keyed: { key: string; record: NodeRecord }[] = [];
  for (const record of records) {
    const key = formatNodeKey(record.node);
    if (after === undefined || compareCodePoints(key, after) > 0) keyed.push({ key, record });
  }
  keyed.sort((a, b) => compareCodePoints(a.key, b.key));
  const page = keyed.slice(0, count);
  return { nodes: page.map((e) => summarizeNode(e.record)), next: keyed.length > count ? JSON.stringify(page[page.length - 1]!.key) : undefined };
}

function parseNodeCursor(cursor: string): string {
  try {
    const key = JSON.parse(cursor) as unknown;
    if (typeof key === "string") return key;
  } catch {
    // reported below
  }
  throw new RangeError(`not a node cursor: ${JSON.stringify(cursor)}`);
}

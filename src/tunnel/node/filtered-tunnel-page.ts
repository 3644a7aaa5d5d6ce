import { compareCodePoints, initiatorStartCursor, tunnelCursor, type TunnelPage, type TunnelQuery, type TunnelRegistry, type TunnelView } from "../index.js";

/** How many tunnels one filtered page reads at most, per tunnel it may return, before it answers with what it found. */
const SCAN_FACTOR = 10;

/** Whether `tunnel` passes every filter of `query` (as `selectTunnels`). */
function matches(tunnel: TunnelView, query: TunnelQuery): boolean {
  return (
    (query.initiator === undefined || tunnel.identity.nodeId === query.initiator) &&
    (query.tenant === undefined || tunnel.identity.tenantId === query.tenant) &&
    (query.cluster === undefined || tunnel.identity.clusterId === query.cluster) &&
    (query.node === undefined || tunnel.reportingNode.id === query.node) &&
    (query.reportingCluster === undefined || tunnel.reportingNode.cluster === query.reportingCluster)
  );
}

/**
 * Up to `limit` tunnels matching `query` after the cursor `after`, in the
 * registry's page order, and the cursor of the next page when one may follow.
 * `?initiator=` reads only that initiator's range of the order (the routing
 * index). Other filters are applied to the pages read: to bound the work of
 * one request, it reads at most `limit × 10` tunnels, so a page may hold fewer
 * than `limit` (even none) with a `next`; only an absent `next` ends the list.
 */
export async function filteredTunnelPage(registry: TunnelRegistry, query: TunnelQuery, after: string | undefined, limit: number): Promise<TunnelPage> {
  let cursor = after;
  if (query.initiator !== undefined) {
    const start = initiatorStartCursor(query.initiator);
    if (cursor === undefined || compareCodePoints(cursor, start) < 0) cursor = start;
  }
  const found: TunnelView[] = [];
  const budget = limit * SCAN_FACTOR;
  let scanned = 0;
  for (;;) {
    // One more than needed, so a full page knows whether another follows.
    const page = await registry.tunnelPage(cursor, Math.min(limit + 1, budget - scanned + 1));
    for (const tunnel of page.tunnels) {
      if (query.initiator !== undefined && tunnel.identity.nodeId !== query.initiator) return { tunnels: found, next: undefined };
      if (!matches(tunnel, query)) {
        scanned++;
        cursor = tunnelCursor(tunnel);
        if (scanned >= budget) return { tunnels: found, next: cursor };
        continue;
      }
      if (found.length === limit) return { tunnels: found, next: tunnelCursor(found[found.length - 1]!) };
      found.push(tunnel);
      scanned++;
      cursor = tunnelCursor(tunnel);
    }
    if (page.next === undefined) return { tunnels: found, next: undefined };
    if (scanned >= budget) return { tunnels: found, next: cursor };
    cursor = page.next;
  }
}

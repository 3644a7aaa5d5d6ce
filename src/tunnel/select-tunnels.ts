import type { NodeKey } from "./node-key.js";
import type { NodeRecord, NodeSummary, TunnelView } from "./tunnel-record.js";

/** Filters for `TunnelRegistry.tunnels`; all given filters must match. */
export interface TunnelQuery {
  /** The initiator's node id (`identity.node_id`). */
  readonly initiator?: string;
  /** The initiator's tenant (`identity.tenant_id`). */
  readonly tenant?: string;
  /** The initiator's cluster (`identity.cluster_id`). */
  readonly cluster?: string;
  /** The reporting node's id (`node.id`). */
  readonly node?: string;
  /** The reporting node's cluster (`node.cluster`). */
  readonly reportingCluster?: string;
}

/**
 * The tunnels of `records` that match every filter of `query`, each with its
 * reporting node, sorted by reporting node (cluster, then id) and then name.
 */
export function selectTunnels(records: NodeRecord[], query: TunnelQuery): TunnelView[] {
  const views: TunnelView[] = [];
  for (const record of sortNodes(records)) {
    if (query.node !== undefined && record.node.id !== query.node) continue;
    if (query.reportingCluster !== undefined && record.node.cluster !== query.reportingCluster) continue;
    const names = [...record.tunnels.keys()].sort(compareStrings);
    for (const name of names) {
      const tunnel = record.tunnels.get(name)!;
      if (query.initiator !== undefined && tunnel.identity.nodeId !== query.initiator) continue;
      if (query.tenant !== undefined && tunnel.identity.tenantId !== query.tenant) continue;
      if (query.cluster !== undefined && tunnel.identity.clusterId !== query.cluster) continue;
      views.push({ ...tunnel, reportingNode: record.node });
    }
  }
  return views;
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Orders node keys by cluster, then id (code unit order). */
export function compareNodeKeys(a: NodeKey, b: NodeKey): number {
  return compareStrings(a.cluster, b.cluster) || compareStrings(a.id, b.id);
}

/** Sorts node records in place by {@link compareNodeKeys} and returns them. */
export function sortNodes(records: NodeRecord[]): NodeRecord[] {
  return records.sort((a, b) => compareNodeKeys(a.node, b.node));
}

/** A node record without its tunnels. */
export function summarizeNode(record: NodeRecord): NodeSummary {
  const { node, state, owner, epoch, connectedAt, lastReportAt, graceUntil } = record;
  return {
    node,
    state,
    owner,
    epoch,
    connectedAt,
    lastReportAt,
    ...(graceUntil === undefined ? {} : { graceUntil }),
    tunnelCount: record.tunnels.size,
  };
}

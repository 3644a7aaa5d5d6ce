import type { NodeSummary, RegistryEvent, TunnelRecord, TunnelView } from "../index.js";

/** A tunnel as `GET /tunnels` and `/events` show it. Times are RFC 3339. */
export interface TunnelJson {
  readonly name: string;
  readonly identity: { readonly tenantId: string; readonly clusterId: string; readonly nodeId: string };
  readonly createdAt: string;
  readonly reportingNode: { readonly id: string; readonly cluster: string };
  readonly firstReportedAt: string;
  readonly lastReportedAt: string;
}

/** A reporting node as `GET /nodes` and `/events` show it. */
export interface NodeJson {
  readonly id: string;
  readonly cluster: string;
  readonly state: "connected" | "grace";
  readonly tunnelCount: number;
  readonly connectedAt: string;
  readonly lastReportAt: string;
  /** When a node in its grace period is dropped; absent while connected. */
  readonly graceUntil?: string;
}

const iso = (ms: number) => new Date(ms).toISOString();

/** The JSON shape of one tunnel held by `reportingNode`. */
export function tunnelJson(tunnel: TunnelRecord | TunnelView, reportingNode: { readonly id: string; readonly cluster: string }): TunnelJson {
  return {
    name: tunnel.name,
    identity: { tenantId: tunnel.identity.tenantId, clusterId: tunnel.identity.clusterId, nodeId: tunnel.identity.nodeId },
    createdAt: tunnel.createdAt,
    reportingNode: { id: reportingNode.id, cluster: reportingNode.cluster },
    firstReportedAt: iso(tunnel.firstReportedAt),
    lastReportedAt: iso(tunnel.lastReportedAt),
  };
}

/** The JSON shape of one node summary. */
export function nodeJson(summary: NodeSummary): NodeJson {
  return {
    id: summary.node.id,
    cluster: summary.node.cluster,
    state: summary.state,
    tunnelCount: summary.tunnelCount,
    connectedAt: iso(summary.connectedAt),
    lastReportAt: iso(summary.lastReportAt),
    ...(summary.graceUntil === undefined ? {} : { graceUntil: iso(summary.graceUntil) }),
  };
}

/**
 * A registry event as `/events` sends it: the event's `type` as the SSE event
 * name, and a JSON body with times in RFC 3339 and tunnels in
 * {@link TunnelJson} shape. `undefined` for events the stream does not carry.
 */
export function eventJson(event: RegistryEvent): { readonly type: string; readonly data: object } | undefined {
  const node = { id: event.node.id, cluster: event.node.cluster };
  const at = iso(event.at);
  switch (event.type) {
    case "tunnel-added":
      return { type: event.type, data: { at, node, tunnel: tunnelJson(event.tunnel, node) } };
    case "tunnel-removed":
      return { type: event.type, data: { at, node, reason: event.reason, tunnel: tunnelJson(event.tunnel, node) } };
    case "node-connected":
      return { type: event.type, data: { at, node, epoch: event.epoch } };
    case "node-disconnected":
      return { type: event.type, data: { at, node, graceUntil: iso(event.graceUntil) } };
    case "node-expired":
      return { type: event.type, data: { at, node, tunnelCount: event.tunnelCount } };
    default:
      return { type: event.type, data: { at, node, ...("kind" in event ? { kind: event.kind } : {}) } };
  }
}

import { tunnelJsonOfValue } from "./redis-index-member.js";
import type { NodeKey, NodeRecord, NodeState, TunnelRecord } from "../index.js";

/** The part of a {@link NodeRecord} kept as one JSON field (`m`) of the node's hash. */
export interface NodeMeta {
  readonly node: NodeKey;
  readonly state: NodeState;
  readonly lastReportAt: number;
  readonly graceUntil?: number;
}

/** The `m` field of a node's hash. */
export function encodeNodeMeta(record: NodeRecord): string {
  const meta: NodeMeta = {
    node: record.node,
    state: record.state,
    lastReportAt: record.lastReportAt,
    ...(record.graceUntil === undefined ? {} : { graceUntil: record.graceUntil }),
  };
  return JSON.stringify(meta);
}

/**
 * A node's hash (HGETALL's flat `[field, value, ...]` reply) as a
 * {@link NodeRecord}, or `undefined` for an empty reply (no such node).
 */
export function decodeNodeHash(reply: readonly string[]): NodeRecord | undefined {
  if (reply.length === 0) return undefined;
  const fields = new Map<string, string>();
  const tunnels = new Map<string, TunnelRecord>();
  for (let i = 0; i + 1 < reply.length; i += 2) {
    const field = reply[i]!;
    const value = reply[i + 1]!;
    if (field.startsWith("t:")) tunnels.set(field.slice(2), JSON.parse(tunnelJsonOfValue(value)) as TunnelRecord);
    else fields.set(field, value);
  }
  const metaText = fields.get("m");
  if (metaText === undefined) return undefined;
  const meta = JSON.parse(metaText) as NodeMeta;
  return {
    node: meta.node,
    state: meta.state,
    owner: fields.get("o") ?? "",
    epoch: Number(fields.get("e")),
    version: Number(fields.get("v")),
    connectedAt: Number(fields.get("c")),
    lastReportAt: meta.lastReportAt,
    ...(meta.graceUntil === undefined ? {} : { graceUntil: meta.graceUntil }),
    tunnels,
  };
}

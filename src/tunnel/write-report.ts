import type { StreamReverseTunnelsRequest } from "../../gen/envoy/extensions/reverse_tunnel_reporters/v3alpha/clients/grpc_client/stream_reverse_tunnels_pb.js";
import { Code } from "@connectrpc/connect";
import { applyReport } from "./apply-report.js";
import type { NodeKey } from "./node-key.js";
import type { RegistryEvent } from "./registry-event.js";
import type { NackCode } from "./report-response.js";
import type { NodeRecord, TunnelRecord } from "./tunnel-record.js";
import type { TunnelStore } from "./tunnel-store.js";

/** One accepted report about to be written to its node. */
export interface ReportWrite {
  readonly store: TunnelStore;
  readonly key: string;
  readonly node: NodeKey;
  readonly streamId: string;
  /** The stream's first accepted request: it takes the node over. */
  readonly taking: boolean;
  readonly request: StreamReverseTunnelsRequest;
  /** The request's `added_tunnels`, converted. */
  readonly added: readonly TunnelRecord[];
  readonly now: number;
  readonly maxTunnels: number;
}

/** What one attempt did: wrote (with the events to emit), refused the report, or lost a race to another writer. */
export type WriteResult =
  | { readonly kind: "written"; readonly record: NodeRecord; readonly events: RegistryEvent[] }
  | { readonly kind: "refused"; readonly code: NackCode; readonly message: string }
  | { readonly kind: "conflict" };

/**
 * One read-compute-write of a node: reads it, refuses a superseded stream or a
 * report past the tunnel limit, applies the report, and writes the new record
 * with compare-and-set. The caller retries on `conflict`.
 */
export async function writeReport(write: ReportWrite): Promise<WriteResult> {
  const { store, key, node, streamId, taking, request, now } = write;
  const current = await store.getNode(key);
  if (!taking && current?.owner !== streamId) {
    return { kind: "refused", code: Code.FailedPrecondition, message: "a newer stream of this node has taken over; this stream is superseded" };
  }
  const outcome = applyReport(current?.tunnels, request.fullPush, write.added, request.removedTunnelNames);
  if (outcome.tunnels.size > write.maxTunnels) {
    return {
      kind: "refused",
      code: Code.ResourceExhausted,
      message: `the report would leave the node with ${outcome.tunnels.size} tunnels; the limit is ${write.maxTunnels}`,
    };
  }
  const record: NodeRecord = {
    node,
    state: "connected",
    owner: streamId,
    epoch: taking ? (current?.epoch ?? 0) + 1 : current!.epoch,
    version: (current?.version ?? 0) + 1,
    connectedAt: taking ? now : current!.connectedAt,
    lastReportAt: now,
    tunnels: outcome.tunnels,
  };
  if (!(await store.putNode(key, record, current?.version))) return { kind: "conflict" };
  const events: RegistryEvent[] = [];
  if (taking) events.push({ type: "node-connected", at: now, node, streamId, epoch: record.epoch, previousOwner: current?.owner });
  for (const { tunnel, reason } of outcome.removed) events.push({ type: "tunnel-removed", at: now, node, streamId, tunnel, reason });
  for (const tunnel of outcome.added) events.push({ type: "tunnel-added", at: now, node, streamId, tunnel });
  for (const { kind, name } of outcome.anomalies) events.push({ type: "report-anomaly", at: now, node, streamId, kind, name });
  return { kind: "written", record, events };
}

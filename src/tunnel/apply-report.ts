import type { ReverseTunnel } from "../../gen/envoy/extensions/reverse_tunnel_reporters/v3alpha/clients/grpc_client/stream_reverse_tunnels_pb.js";
import { formatTimestamp, totalNanos } from "../validate/format.js";
import { timestampMessages } from "../validate/rules/timestamp.js";
import { LayeredMap } from "./layered-map.js";
import type { ReportAnomalyKind, TunnelRemovalReason } from "./registry-event.js";
import type { ReportViolation } from "./report-response.js";
import type { TunnelRecord } from "./tunnel-record.js";

/** What one accepted report does to a node's tunnels. */
export interface ReportOutcome {
  /** The node's tunnels after the report (`previous` itself after a heartbeat; never mutate it). */
  readonly tunnels: ReadonlyMap<string, TunnelRecord>;
  /** Tunnels that left, in order. A `replaced` removal is followed by the re-add in `added`. */
  readonly removed: readonly { readonly tunnel: TunnelRecord; readonly reason: TunnelRemovalReason }[];
  /** Tunnels that arrived, in order. */
  readonly added: readonly TunnelRecord[];
  readonly anomalies: readonly { readonly kind: ReportAnomalyKind; readonly name: string }[];
}

/** The report's tunnels in the registry's shape, or the violations that make it unusable. */
export type ConvertedTunnels =
  | { readonly ok: true; readonly tunnels: readonly TunnelRecord[] }
  | { readonly ok: false; readonly violations: readonly ReportViolation[] };

/** google.protobuf.Timestamp's own range, 0001-01-01T00:00:00Z to 9999-12-31T23:59:59Z, which the record's RFC 3339 string needs. */
function isRepresentable(seconds: bigint, nanos: number): boolean {
  return seconds >= -62_135_596_800n && seconds <= 253_402_300_799n && nanos >= 0 && nanos <= 999_999_999;
}

/**
 * Turns `added_tunnels` (already validated, so identity and `created_at` are
 * set) into records stamped with the report's time and stream. A `created_at`
 * outside Timestamp's range passes Envoy's rules but has no RFC 3339 form, so
 * it is a violation (`timestamp.valid`) here.
 */
export function convertTunnels(added: readonly ReverseTunnel[], now: number, streamId: string): ConvertedTunnels {
  const tunnels: TunnelRecord[] = [];
  const violations: ReportViolation[] = [];
  added.forEach((tunnel, index) => {
    const createdAt = tunnel.createdAt!;
    if (!isRepresentable(createdAt.seconds, createdAt.nanos)) {
      violations.push({ path: `added_tunnels[${index}].created_at`, message: timestampMessages.valid(), ruleId: "timestamp.valid" });
      return;
    }
    const identity = tunnel.identity!;
    tunnels.push({
      name: tunnel.name,
      identity: { tenantId: identity.tenantId, clusterId: identity.clusterId, nodeId: identity.nodeId },
      createdAt: formatTimestamp(totalNanos(createdAt)),
      firstReportedAt: now,
      lastReportedAt: now,
      streamId,
    });
  });
  return violations.length === 0 ? { ok: true, tunnels } : { ok: false, violations };
}

function sameTunnel(a: TunnelRecord, b: TunnelRecord): boolean {
  return (
    a.createdAt === b.createdAt &&
    a.identity.nodeId === b.identity.nodeId &&
    a.identity.clusterId === b.identity.clusterId &&
    a.identity.tenantId === b.identity.tenantId
  );
}

/**
 * Computes a node's tunnels after one accepted report, without touching
 * `previous`:
 *
 * - full push: the added tunnels are the node's whole set (`removed_tunnel_names`
 *   is ignored; Envoy sends none). A tunnel listed again unchanged keeps its
 *   `firstReportedAt`; one with a new identity or `created_at` is replaced.
 * - diff: a name only in the removed list is removed (not held: anomaly
 *   `removed-unknown`); a name only in the added list is added (held: anomaly
 *   `added-held`, and kept or replaced as in a full push); a name in both lists
 *   was removed and re-added when the node held it (replaced with the new
 *   identity) and added and removed within the interval when it did not
 *   (dropped; anomaly `added-and-removed`).
 * - a name twice in `added_tunnels`: the last one wins (anomaly `duplicate-added`).
 */
export function applyReport(
  previous: ReadonlyMap<string, TunnelRecord> | undefined,
  fullPush: boolean,
  added: readonly TunnelRecord[],
  removedNames: readonly string[],
): ReportOutcome {
  const anomalies: { kind: ReportAnomalyKind; name: string }[] = [];
  const addedByName = new Map<string, TunnelRecord>();
  for (const tunnel of added) {
    if (addedByName.has(tunnel.name)) anomalies.push({ kind: "duplicate-added", name: tunnel.name });
    addedByName.set(tunnel.name, tunnel);
  }
  const before = previous ?? new Map<string, TunnelRecord>();
  // A heartbeat (an empty diff) keeps the very same map: nothing to copy or reindex.
  if (!fullPush && added.length === 0 && removedNames.length === 0) return { tunnels: before, removed: [], added: [], anomalies };
  // A diff derives the next version from `before` (sharing its entries: see
  // LayeredMap); a full push builds the node's set afresh.
  const tunnels = (fullPush ? LayeredMap.over(new Map<string, TunnelRecord>()) : LayeredMap.over(before)).edit();
  const removedOut: { tunnel: TunnelRecord; reason: TunnelRemovalReason }[] = [];
  const addedOut: TunnelRecord[] = [];

  const put = (tunnel: TunnelRecord): void => {
    const held = before.get(tunnel.name);
    if (held !== undefined && sameTunnel(held, tunnel)) {
      tunnels.set(tunnel.name, { ...tunnel, firstReportedAt: held.firstReportedAt });
      return;
    }
    if (held !== undefined) removedOut.push({ tunnel: held, reason: "replaced" });
    tunnels.set(tunnel.name, tunnel);
    addedOut.push(tunnel);
  };

  if (fullPush) {
    for (const [name, held] of before) {
      if (!addedByName.has(name)) removedOut.push({ tunnel: held, reason: "full-push" });
    }
    for (const tunnel of addedByName.values()) put(tunnel);
    return { tunnels: tunnels.done(), removed: removedOut, added: addedOut, anomalies };
  }

  const removedSet = new Set(removedNames);
  for (const name of removedSet) {
    const held = before.get(name);
    const readded = addedByName.get(name);
    if (readded !== undefined) {
      if (held === undefined) {
        anomalies.push({ kind: "added-and-removed", name });
      } else {
        removedOut.push({ tunnel: held, reason: "replaced" });
        tunnels.set(name, readded);
        addedOut.push(readded);
      }
    } else if (held === undefined) {
      anomalies.push({ kind: "removed-unknown", name });
    } else {
      removedOut.push({ tunnel: held, reason: "removed" });
      tunnels.delete(name);
    }
  }
  for (const tunnel of addedByName.values()) {
    if (removedSet.has(tunnel.name)) continue;
    if (before.has(tunnel.name)) anomalies.push({ kind: "added-held", name: tunnel.name });
    put(tunnel);
  }
  return { tunnels: tunnels.done(), removed: removedOut, added: addedOut, anomalies };
}

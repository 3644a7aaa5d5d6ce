import type { NodeKey } from "./node-key.js";
import type { TunnelRecord } from "./tunnel-record.js";

/**
 * Why a tunnel left the registry: the node's report removed it, a full push
 * no longer listed it, a report re-added it with a new identity or
 * `created_at` (a `tunnel-added` follows), or the node's grace period ran out.
 */
export type TunnelRemovalReason = "removed" | "full-push" | "replaced" | "expired";

/**
 * Something in a report that the protocol allows but that says the reporter
 * and the registry disagreed: a removed name the node did not hold, an added
 * name it already held (outside a full push), a name added and removed in one
 * diff that the node did not hold (dropped, per wire-facts), or one name twice
 * in `added_tunnels` (the last one wins).
 */
export type ReportAnomalyKind = "removed-unknown" | "added-held" | "added-and-removed" | "duplicate-added";

/** A change in the registry, delivered to {@link TunnelRegistry.subscribe} listeners after it is stored. */
export type RegistryEvent =
  | { readonly type: "tunnel-added"; readonly at: number; readonly node: NodeKey; readonly streamId: string; readonly tunnel: TunnelRecord }
  | {
      readonly type: "tunnel-removed";
      readonly at: number;
      readonly node: NodeKey;
      readonly streamId: string | undefined;
      readonly tunnel: TunnelRecord;
      readonly reason: TunnelRemovalReason;
    }
  | {
      /** A stream's first full push was accepted; `previousOwner` is the stream it took over from, if any. */
      readonly type: "node-connected";
      readonly at: number;
      readonly node: NodeKey;
      readonly streamId: string;
      readonly epoch: number;
      readonly previousOwner: string | undefined;
    }
  | {
      /** The owning stream ended; the node's tunnels stay until `graceUntil`. */
      readonly type: "node-disconnected";
      readonly at: number;
      readonly node: NodeKey;
      readonly streamId: string;
      readonly graceUntil: number;
    }
  | {
      /** The grace period ran out without a reconnect; the node and its tunnels are gone. */
      readonly type: "node-expired";
      readonly at: number;
      readonly node: NodeKey;
      readonly tunnelCount: number;
    }
  | {
      readonly type: "report-anomaly";
      readonly at: number;
      readonly node: NodeKey;
      readonly streamId: string;
      readonly kind: ReportAnomalyKind;
      readonly name: string;
    };

/** Receives registry events. An exception thrown by a listener is caught and ignored. */
export type RegistryListener = (event: RegistryEvent) => void;

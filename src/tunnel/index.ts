/**
 * Reverse tunnel reporting: the registry state machine and its store
 * interface, the Connect service for `StreamReverseTunnels`, and a reporter
 * client that behaves like Envoy's. Browser-safe: nothing here imports a
 * Node-only module (the Node server is `envoy-tap-tunnel/tunnel/node`).
 */
export { systemClock, systemTimers, backgroundTimers, type Clock, type Timers, type TimerHandle } from "./clock.js";
export { nodeKeyOf, formatNodeKey, parseNodeKey, type NodeKey } from "./node-key.js";
export type { InitiatorIdentity, TunnelRecord, NodeRecord, NodeState, TunnelView, NodeSummary } from "./tunnel-record.js";
export type { TunnelStore, StoreNotice, StoreHealth } from "./tunnel-store.js";
export { MemoryTunnelStore } from "./memory-tunnel-store.js";
export type { RegistryEvent, RegistryListener, TunnelRemovalReason, ReportAnomalyKind } from "./registry-event.js";
export { MIN_REPORT_INTERVAL_MS, MAX_REPORT_INTERVAL_MS, checkReportInterval } from "./report-interval.js";
export {
  TunnelRegistry,
  type TunnelRegistryOptions,
  type RegistryCounts,
  type RegistryStats,
} from "./tunnel-registry.js";
export type { TunnelQuery } from "./select-tunnels.js";
export { tunnelCursor, initiatorStartCursor, compareCodePoints, FIRST_NODE_CURSOR, MAX_STORE_PAGE, type TunnelPage, type NodePage } from "./tunnel-pages.js";
export { startExpiryTimer, type ExpiryTimerOptions } from "./start-expiry-timer.js";
export { peerIdentityKey, type PeerIdentity } from "./peer-identity.js";
export {
  createReportingService,
  type ReportingServiceOptions,
  type ReportingServiceHooks,
  type AuthorizeHook,
  type AuthorizeContext,
  type StreamEndReason,
} from "./reporting-service.js";
export { ReporterClient, type ReporterClientOptions, type ReporterEvent, type ReporterTunnel } from "./reporter-client.js";
export type { ReporterStats, ReporterCounters, ReporterGauges, DisconnectReason } from "./reporter-stats.js";

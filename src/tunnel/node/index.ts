/**
 * The Node-only half of reverse tunnel reporting: the gRPC server Envoy
 * reports to (HTTP/2, TLS and mutual TLS), its HTTP views and status page.
 * The browser-safe registry, service and reporter are in `envoy-tap-tunnel/tunnel`.
 */
export { startReportingServer } from "./start-reporting-server.js";
export type { ReportingServer, ReportingServerOptions, ReportingServerTls, ReportingServerLogEntry } from "./reporting-server-options.js";
export { peerIdentityOf } from "./peer-identity-of.js";
export { parseTunnelQuery } from "./http-views.js";
export type { TunnelJson, NodeJson } from "./view-json.js";
export { RedisTunnelStore, RedisUnavailableError, type RedisTunnelStoreOptions } from "./redis-tunnel-store.js";

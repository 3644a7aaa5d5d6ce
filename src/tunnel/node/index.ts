/**
 * The Node-only half of reverse tunnel reporting: the gRPC server Envoy
 * reports to (HTTP/2, TLS and mutual TLS), its HTTP views and status page.
 * The browser-safe registry, service and reporter are in `envoy-tap-tunnel/tunnel`.
 *
 * Nothing exported here names a type from `@types/node`, so a consumer's
 * type check does not need Node's types to use it.
 */
export { startReportingServer } from "./start-reporting-server.js";
export { defaultHttp2Settings } from "./reporting-server-options.js";
export type {
  ReportingServer,
  ReportingServerOptions,
  ReportingServerTls,
  ReportingServerLogEntry,
  ReportingServerHttp2Options,
  ReportingServerHttp2Settings,
} from "./reporting-server-options.js";
export type { TunnelJson, NodeJson } from "./view-json.js";
export { RedisTunnelStore, RedisUnavailableError, type RedisTunnelStoreOptions } from "./redis-tunnel-store.js";
export type { NodePage, TunnelPage } from "../tunnel-pages.js";

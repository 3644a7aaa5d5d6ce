import { Counter, Gauge, Histogram, Registry } from "prom-client";
import { Code } from "@connectrpc/connect";
import type { StreamReverseTunnelsResponse } from "../../../gen/envoy/extensions/reverse_tunnel_reporters/v3alpha/clients/grpc_client/stream_reverse_tunnels_pb.js";
import type { TunnelRegistry } from "../index.js";

/**
 * The server's Prometheus metrics, in a registry of its own (not prom-client's
 * global one), so two servers in one process do not mix their numbers.
 */
export interface ServerMetrics {
  readonly registry: Registry;
  streamOpened(): void;
  streamClosed(reason: string): void;
  /** A stream refused before it reached the service (stream limit, shutdown). */
  streamRefused(reason: string): void;
  requestApplied(response: StreamReverseTunnelsResponse, durationMs: number): void;
}

/** gRPC's upper-case code names (`INVALID_ARGUMENT`), as NACK reasons are labelled. */
export function grpcCodeName(code: number): string {
  const name = Code[code];
  return name === undefined ? String(code) : name.replace(/([a-z])([A-Z])/g, "$1_$2").toUpperCase();
}

/**
 * Creates the metrics. The tunnel and node gauges are read from `tunnels`
 * when scraped, so they are always the registry's own counts.
 */
export function createServerMetrics(tunnels: TunnelRegistry): ServerMetrics {
  const registry = new Registry();
  const prefix = "envoy_tap_tunnel_";
  const streamsOpen = new Gauge({ name: `${prefix}streams_open`, help: "Reporting streams open now.", registers: [registry] });
  const streamsOpened = new Counter({ name: `${prefix}streams_opened_total`, help: "Reporting streams accepted.", registers: [registry] });
  const streamsClosed = new Counter({
    name: `${prefix}streams_closed_total`,
    help: "Reporting streams ended, by reason.",
    labelNames: ["reason"],
    registers: [registry],
  });
  const streamsRefused = new Counter({
    name: `${prefix}streams_refused_total`,
    help: "Streams refused before reaching the service, by reason.",
    labelNames: ["reason"],
    registers: [registry],
  });
  const requests = new Counter({ name: `${prefix}requests_total`, help: "Requests applied (ACKed or NACKed).", registers: [registry] });
  const acks = new Counter({ name: `${prefix}acks_total`, help: "ACKs sent.", registers: [registry] });
  const nacks = new Counter({
    name: `${prefix}nacks_total`,
    help: "NACKs sent, by gRPC code name of error_detail.",
    labelNames: ["reason"],
    registers: [registry],
  });
  const applySeconds = new Histogram({
    name: `${prefix}apply_duration_seconds`,
    help: "Time the registry took to apply one request.",
    buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
    registers: [registry],
  });
  // Both gauges are collected in the same scrape: they share one read of the counts.
  let countsInFlight: ReturnType<TunnelRegistry["counts"]> | undefined;
  const readCounts = () => (countsInFlight ??= tunnels.counts().finally(() => (countsInFlight = undefined)));
  new Gauge({
    name: `${prefix}tunnels`,
    help: "Tunnels in the registry (connected nodes and nodes in their grace period).",
    registers: [registry],
    async collect() {
      this.set((await readCounts()).tunnels);
    },
  });
  new Gauge({
    name: `${prefix}nodes`,
    help: "Reporting nodes in the registry, by state.",
    labelNames: ["state"],
    registers: [registry],
    async collect() {
      const counts = await readCounts();
      this.set({ state: "connected" }, counts.connectedNodes);
      this.set({ state: "grace" }, counts.graceNodes);
    },
  });
  new Gauge({
    name: `${prefix}store_degraded`,
    help: "1 while the shared store (Redis) is unreachable and the registry runs from memory, else 0.",
    registers: [registry],
    collect() {
      this.set(tunnels.store.health?.().degraded === true ? 1 : 0);
    },
  });
  return {
    registry,
    streamOpened() {
      streamsOpened.inc();
      streamsOpen.inc();
    },
    streamClosed(reason) {
      streamsOpen.dec();
      streamsClosed.inc({ reason });
    },
    streamRefused(reason) {
      streamsRefused.inc({ reason });
    },
    requestApplied(response, durationMs) {
      requests.inc();
      if (response.errorDetail === undefined) acks.inc();
      else nacks.inc({ reason: grpcCodeName(response.errorDetail.code) });
      applySeconds.observe(durationMs / 1000);
    },
  };
}

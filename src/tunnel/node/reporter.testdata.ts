import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { ReporterClient, type ReporterClientOptions, type ReporterEvent, type ReporterTunnel } from "../index.js";

/** A tunnel from initiator `nodeId` in tenant `t1`, named `t1:<nodeId>` as with tenant isolation. */
export function initiatorTunnel(nodeId: string, tenantId = "t1"): ReporterTunnel {
  return { name: `${tenantId}:${nodeId}`, identity: { tenantId, clusterId: "edge", nodeId }, createdAt: timestampFromMs(1_769_680_800_000) };
}

/** A reporter against `port` on loopback (h2c unless `nodeOptions` carry TLS), with test-sized intervals, recording its events. */
export function testReporter(
  port: number,
  nodeId: string,
  options: Partial<Omit<ReporterClientOptions, "transport" | "node">> & { readonly tls?: { ca: string; cert?: string; key?: string } } = {},
): { reporter: ReporterClient; events: ReporterEvent[] } {
  const { tls, ...rest } = options;
  const transport = createGrpcTransport({
    baseUrl: `${tls === undefined ? "http" : "https"}://127.0.0.1:${port}`,
    ...(tls === undefined ? {} : { nodeOptions: tls }),
  });
  const reporter = new ReporterClient({ sendIntervalMs: 50, connectRetryIntervalMs: 100, ...rest, transport, node: { id: nodeId, cluster: "core" } });
  const events: ReporterEvent[] = [];
  reporter.subscribe((event) => events.push(event));
  return { reporter, events };
}

/**
 * The server side of the reporting benchmark, run in a child process so that
 * its CPU time and peak RSS are its own. `full` is the package's server
 * (validation, registry, metrics); `bare` is a Connect gRPC server on the same
 * HTTP/2 stack that ACKs every request without validating or registering it.
 *
 * Plain JavaScript on the built package (dist/, which `npm run bench`
 * builds first), so that no TypeScript loader adds to the server's memory.
 *
 * Prints `ready grpcPort=N` when listening. SIGUSR2 starts the measured
 * window: from then on it records its event-loop delay and, for `full`, how
 * long the registry took to apply each request. On SIGTERM it prints
 * `cpu-seconds=X` (user + system since ready), `server-delay-ms` (event-loop
 * delay p50/p99/max in the window), `apply-ms` (p50/p99/max, `full` only) and
 * its memory now, then exits (peak-rss.cjs, when preloaded, adds the peak RSS).
 *
 * Both modes use the same HTTP/2 settings (the package's defaults), so they
 * differ only in what happens to a request.
 */
import { createServer } from "node:http2";
import { createHistogram, monitorEventLoopDelay } from "node:perf_hooks";
import { create } from "@bufbuild/protobuf";
import { connectNodeAdapter } from "@connectrpc/connect-node";
import {
  ReverseTunnelReportingService,
  StreamReverseTunnelsResponseSchema,
} from "../dist/gen/envoy/extensions/reverse_tunnel_reporters/v3alpha/clients/grpc_client/stream_reverse_tunnels_pb.js";
import { defaultHttp2Settings, startReportingServer } from "../dist/src/tunnel/node/index.js";

const mode = process.argv[2];
let measuring = false;
const eventLoopDelay = monitorEventLoopDelay({ resolution: 5 });
/** Registry apply times in microseconds (a histogram takes integers >= 1). */
const applyMicros = createHistogram();
let grpcPort;
let close;
if (mode === "full") {
  const server = await startReportingServer({
    host: "127.0.0.1",
    maxStreams: 100_000,
    hooks: {
      requestApplied(info) {
        if (measuring) applyMicros.record(Math.max(1, Math.round(info.durationMs * 1000)));
      },
    },
  });
  grpcPort = server.grpcPort;
  close = () => server.close();
} else if (mode === "bare") {
  const handler = connectNodeAdapter({
    grpc: true,
    connect: false,
    grpcWeb: false,
    routes(router) {
      router.service(ReverseTunnelReportingService, {
        async *streamReverseTunnels(requests) {
          for await (const request of requests) {
            yield create(StreamReverseTunnelsResponseSchema, { nodeId: request.node?.id ?? "", requestNonce: request.nonce });
          }
        },
      });
    },
  });
  const server = createServer({ settings: defaultHttp2Settings }, handler);
  server.on("session", (session) => session.on("error", () => undefined));
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  grpcPort = server.address().port;
  close = async () => {
    server.close();
  };
} else {
  process.stderr.write(`usage: reporting-server.child.ts full|bare\n`);
  process.exit(2);
}
const cpuAtReady = process.cpuUsage();
process.stdout.write(`ready grpcPort=${grpcPort}\n`);
process.on("SIGUSR2", () => {
  measuring = true;
  eventLoopDelay.enable();
});
process.on("SIGTERM", () => {
  const cpu = process.cpuUsage(cpuAtReady);
  const memory = process.memoryUsage();
  eventLoopDelay.disable();
  const ms = (histogram, scale) => `p50=${(histogram.percentile(50) / scale).toFixed(2)} p99=${(histogram.percentile(99) / scale).toFixed(2)} max=${(histogram.max / scale).toFixed(2)}`;
  process.stdout.write(`cpu-seconds=${(cpu.user + cpu.system) / 1e6}\n`);
  process.stdout.write(`server-delay-ms ${ms(eventLoopDelay, 1e6)}\n`);
  if (applyMicros.count > 0) process.stdout.write(`apply-ms ${ms(applyMicros, 1e3)}\n`);
  process.stdout.write(`memory-mib rss=${(memory.rss / 2 ** 20).toFixed(0)} heapUsed=${(memory.heapUsed / 2 ** 20).toFixed(0)} heapTotal=${(memory.heapTotal / 2 ** 20).toFixed(0)} external=${(memory.external / 2 ** 20).toFixed(0)} arrayBuffers=${(memory.arrayBuffers / 2 ** 20).toFixed(0)}\n`);
  void close().finally(() => process.exit(0));
  // A server waiting on its clients must not hold the measurement up.
  setTimeout(() => process.exit(0), 2000).unref();
});

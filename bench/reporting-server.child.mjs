/**
 * The server side of the reporting benchmark, run in a child process so that
 * its CPU time and peak RSS are its own. `full` is the package's server
 * (validation, registry, metrics); `bare` is a Connect gRPC server on the same
 * HTTP/2 stack that ACKs every request without validating or registering it.
 *
 * Plain JavaScript on the built package (dist/, which `npm run bench`
 * builds first), so that no TypeScript loader adds to the server's memory.
 *
 * Prints `ready grpcPort=N` when listening; on SIGTERM prints
 * `cpu-seconds=X` (user + system since ready) and exits (peak-rss.cjs, when
 * preloaded, adds the peak RSS).
 */
import { createServer } from "node:http2";
import { create } from "@bufbuild/protobuf";
import { connectNodeAdapter } from "@connectrpc/connect-node";
import {
  ReverseTunnelReportingService,
  StreamReverseTunnelsResponseSchema,
} from "../dist/gen/envoy/extensions/reverse_tunnel_reporters/v3alpha/clients/grpc_client/stream_reverse_tunnels_pb.js";
import { startReportingServer } from "../dist/src/tunnel/node/index.js";

const mode = process.argv[2];
let grpcPort;
let close;
if (mode === "full") {
  const server = await startReportingServer({ host: "127.0.0.1", maxStreams: 100_000 });
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
  const server = createServer(handler);
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
process.on("SIGTERM", () => {
  const cpu = process.cpuUsage(cpuAtReady);
  const memory = process.memoryUsage();
  process.stdout.write(`cpu-seconds=${(cpu.user + cpu.system) / 1e6}\n`);
  process.stdout.write(`memory-mib rss=${(memory.rss / 2 ** 20).toFixed(0)} heapUsed=${(memory.heapUsed / 2 ** 20).toFixed(0)} heapTotal=${(memory.heapTotal / 2 ** 20).toFixed(0)} external=${(memory.external / 2 ** 20).toFixed(0)} arrayBuffers=${(memory.arrayBuffers / 2 ** 20).toFixed(0)}\n`);
  void close().finally(() => process.exit(0));
  // A server waiting on its clients must not hold the measurement up.
  setTimeout(() => process.exit(0), 2000).unref();
});

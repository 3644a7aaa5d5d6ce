/**
 * A reporting server replica for the Redis benchmark, in a child process of
 * its own: `memory` uses the default store, `redis URL` a RedisTunnelStore.
 * Plain JavaScript on the built package (dist/, which `npm run bench` builds).
 *
 * Prints `ready grpcPort=N` when listening; on SIGTERM prints
 * `cpu-seconds=X` (user + system since ready), closes and exits.
 */
import { RedisTunnelStore, startReportingServer } from "../dist/src/tunnel/node/index.js";

const [mode, url] = process.argv.slice(2);
if (mode !== "memory" && !(mode === "redis" && url !== undefined)) {
  process.stderr.write("usage: redis-replica.child.mjs memory | redis URL\n");
  process.exit(2);
}
const store = mode === "redis" ? await RedisTunnelStore.connect({ url, keyPrefix: "bench:" }) : undefined;
const server = await startReportingServer({ host: "127.0.0.1", maxStreams: 100_000, ...(store === undefined ? {} : { store }) });
const cpuAtReady = process.cpuUsage();
process.stdout.write(`ready grpcPort=${server.grpcPort}\n`);
process.on("SIGTERM", () => {
  const cpu = process.cpuUsage(cpuAtReady);
  process.stdout.write(`cpu-seconds=${(cpu.user + cpu.system) / 1e6}\n`);
  if (store !== undefined) process.stdout.write(`store-outages=${store.counters.outages}\n`);
  void server
    .close()
    .then(() => store?.close())
    .finally(() => process.exit(0));
  setTimeout(() => process.exit(0), 2000).unref();
});

/**
 * A reporting server replica for the Redis benchmark, in a child process of
 * its own: `memory` uses the default store, `redis URL` a RedisTunnelStore.
 * Plain JavaScript on the built package (dist/, which `npm run bench` builds).
 *
 * Prints `ready grpcPort=N httpPort=M` when listening; on SIGTERM prints
 * `cpu-seconds=X` (user + system since ready) and the event loop's delay
 * (`loop-delay-p99-ms=`, `loop-delay-max-ms=`), closes and exits. With
 * `REPLICA_TRACE=1` it also prints, every second, `trace t=S loop-max-ms=X`
 * (the worst event-loop delay of that second), to find stalls.
 */
import { writeFileSync } from "node:fs";
import { Session } from "node:inspector/promises";
import { join } from "node:path";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { RedisTunnelStore, startReportingServer } from "../dist/src/tunnel/node/index.js";

const [mode, url] = process.argv.slice(2);
if (mode !== "memory" && !(mode === "redis" && url !== undefined)) {
  process.stderr.write("usage: redis-replica.child.mjs memory | redis URL\n");
  process.exit(2);
}
const store = mode === "redis" ? await RedisTunnelStore.connect({ url, keyPrefix: "bench:" }) : undefined;
const server = await startReportingServer({ host: "127.0.0.1", maxStreams: 100_000, ...(store === undefined ? {} : { store }) });
const cpuAtReady = process.cpuUsage();
const loopDelay = monitorEventLoopDelay({ resolution: 10 });
loopDelay.enable();
if (process.env["REPLICA_TRACE"] === "1") {
  const second = monitorEventLoopDelay({ resolution: 10 });
  second.enable();
  const started = Date.now();
  setInterval(() => {
    process.stdout.write(`trace t=${((Date.now() - started) / 1000).toFixed(0)} loop-max-ms=${(second.max / 1e6).toFixed(0)}\n`);
    second.reset();
  }, 1000).unref();
}
const profileDir = process.env["REPLICA_CPU_PROFILE"];
const profiler = profileDir === undefined ? undefined : new Session();
if (profiler !== undefined) {
  profiler.connect();
  await profiler.post("Profiler.enable");
  await profiler.post("Profiler.start");
}
process.stdout.write(`ready grpcPort=${server.grpcPort} httpPort=${server.httpPort}\n`);
process.on("SIGTERM", () => {
  const cpu = process.cpuUsage(cpuAtReady);
  process.stdout.write(`cpu-seconds=${(cpu.user + cpu.system) / 1e6}\n`);
  process.stdout.write(`loop-delay-p99-ms=${(loopDelay.percentile(99) / 1e6).toFixed(1)} loop-delay-max-ms=${(loopDelay.max / 1e6).toFixed(1)}\n`);
  const s4 = globalThis.__s4 ?? [];
  if (s4.length) { const t00 = s4[0][0]; const bySec = new Map(); for (const [t, d] of s4) { const k = Math.floor((t - t00) / 1000); const a = bySec.get(k) ?? []; a.push(d); bySec.set(k, a); } for (const [k, a] of bySec) { a.sort((x, y) => x - y); process.stdout.write(`evalsha s=${k} n=${a.length} p50=${a[a.length >> 1].toFixed(1)} p99=${a[Math.floor(a.length * 0.99)].toFixed(1)} max=${a[a.length - 1].toFixed(1)}\n`); } }
  if (store !== undefined) process.stdout.write(`store-outages=${store.counters.outages}\n`);
  const profiled = profiler === undefined ? Promise.resolve() : profiler.post("Profiler.stop").then(({ profile }) => writeFileSync(join(profileDir, `${mode}-${process.pid}.cpuprofile`), JSON.stringify(profile)));
  void profiled
    .then(() => server.close())
    .then(() => store?.close())
    .finally(() => process.exit(0));
  // Writing a profile of a loaded minute takes a while.
  setTimeout(() => process.exit(0), profiler === undefined ? 2000 : 30_000).unref();
});

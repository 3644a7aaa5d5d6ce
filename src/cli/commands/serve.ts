import { RedisTunnelStore, startReportingServer, type ReportingServerLogEntry, type ReportingServerTls } from "../../tunnel/node/index.js";
import type { ServeOptions } from "../args/serve-args.js";
import { formatDuration } from "../args/parse-duration.js";
import { CliError, ExitCode, describeIoError, oneLine } from "../cli-error.js";
import type { CliIO } from "../io.js";
import { processStopSignal } from "../process-stop-signal.js";

/**
 * `envoy-tap-tunnel serve`: runs the reporting server until `stop` aborts
 * (SIGINT or SIGTERM by default), then shuts it down gracefully. Writes one
 * line per stream event to stdout (`TIME LEVEL EVENT message`).
 */
export async function serveCommand(options: ServeOptions, io: CliIO, stop: AbortSignal = processStopSignal()): Promise<number> {
  const tls = await readTls(options, io);
  const write = (line: string) => void io.stdout.write(`${new Date().toISOString()} ${line}\n`).catch(() => undefined);
  const log = (entry: ReportingServerLogEntry) => write(`${entry.level} ${entry.event} ${entry.message}`);
  let store: RedisTunnelStore | undefined;
  if (options.storeUrl !== undefined) {
    const password = process.env["REDIS_PASSWORD"];
    try {
      store = await RedisTunnelStore.connect({ url: options.storeUrl, ...(options.leaseMs === undefined ? {} : { leaseMs: options.leaseMs }), ...(options.maxUnconfirmedWrites === undefined ? {} : { maxUnconfirmedWrites: options.maxUnconfirmedWrites }), ...(password === undefined || password === "" ? {} : { password }), log });
    } catch (error) {
      throw new CliError("usage", oneLine(error), { cause: error });
    }
  }
  let server;
  try {
    server = await startReportingServer({
      host: options.host,
      grpcPort: options.port,
      httpPort: options.httpPort,
      graceMs: options.graceMs,
      ...(options.reportIntervalMs === undefined ? {} : { reportIntervalMs: options.reportIntervalMs }),
      ...(options.maxTunnelsPerNode === undefined ? {} : { maxTunnelsPerNode: options.maxTunnelsPerNode }),
      ...(tls === undefined ? {} : { tls }),
      ...(store === undefined ? {} : { store }),
      log,
    });
  } catch (error) {
    await store?.close();
    const code = (error as { code?: unknown }).code;
    const reason = code === "EADDRINUSE" ? "the address is in use" : code === "EACCES" ? "permission denied" : code === "EADDRNOTAVAIL" ? "no such local address" : oneLine(error);
    throw new CliError("usage", `cannot serve on ${options.host} (ports ${options.port}, ${options.httpPort}): ${reason}`, { cause: error });
  }
  const scheme = tls === undefined ? "h2c" : tls.clientCa === undefined ? "h2, TLS" : "h2, mutual TLS";
  const host = options.host.includes(":") ? `[${options.host}]` : options.host;
  write(
    `info listening gRPC on ${host}:${server.grpcPort} (${scheme}), HTTP views on http://${host}:${server.httpPort}/` +
      `; grace ${formatDuration(options.graceMs)}` +
      (options.reportIntervalMs === undefined ? "" : `, report interval ${formatDuration(options.reportIntervalMs)}`) +
      (store === undefined ? "; store memory" : `; store Redis (replica ${store.replicaId}, lease ${formatDuration(options.leaseMs ?? 10_000)}, ${describeUnconfirmed(store.maxUnconfirmedWrites)})`),
  );
  if (!stop.aborted) await new Promise<void>((resolve) => stop.addEventListener("abort", () => resolve(), { once: true }));
  write("info shutting-down stopping: no new streams, ending open ones");
  await server.close();
  await store?.close();
  return ExitCode.ok;
}

/** How the start-up line states `maxUnconfirmedWrites`: what an ACK means. */
function describeUnconfirmed(max: number): string {
  return max === 0 ? "every ACK after its Redis write" : `ACKs from memory while at most ${max} writes wait`;
}

async function readTls(options: ServeOptions, io: CliIO): Promise<ReportingServerTls | undefined> {
  if (options.tlsCert === undefined || options.tlsKey === undefined) return undefined;
  const read = async (path: string) => {
    try {
      return await io.fs.readFile(path);
    } catch (error) {
      throw describeIoError("read", path, error);
    }
  };
  const [cert, key] = [await read(options.tlsCert), await read(options.tlsKey)];
  for (const [path, bytes] of [[options.tlsCert, cert], [options.tlsKey, key]] as const) {
    if (!new TextDecoder().decode(bytes.subarray(0, 4096)).includes("-----BEGIN ")) throw new CliError("usage", `${path} is not a PEM file (no "-----BEGIN" line)`);
  }
  const clientCa = options.tlsClientCa === undefined ? undefined : await read(options.tlsClientCa);
  return { cert, key, ...(clientCa === undefined ? {} : { clientCa }) };
}

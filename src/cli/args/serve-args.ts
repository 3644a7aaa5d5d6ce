import { parseDuration, parseInteger } from "./parse-duration.js";
import { parseOptions, type ArgsResult } from "./parse-options.js";

/** Options of `envoy-tap-tunnel serve`. */
export interface ServeOptions {
  /** `--host`: the address both ports listen on. By default, `0.0.0.0`. */
  readonly host: string;
  /** `--port`: the gRPC port. By default, 18000. */
  readonly port: number;
  /** `--http-port`: the port of the HTTP views and status page. By default, 18001. */
  readonly httpPort: number;
  /** `--report-interval`: sent to reporters in their first ACK. By default, none. */
  readonly reportIntervalMs?: number;
  /** `--grace`: how long a disconnected node's tunnels are kept. By default, 30 s. */
  readonly graceMs: number;
  readonly tlsCert?: string;
  readonly tlsKey?: string;
  readonly tlsClientCa?: string;
  /** `--max-tunnels-per-node`. By default, the registry's (100 000). */
  readonly maxTunnelsPerNode?: number;
  /** `--store`: `redis://HOST:PORT[/DB]` or `rediss://...` to share the registry with other replicas. By default, none (memory). */
  readonly storeUrl?: string;
  /** `--lease`: the replica's lease in Redis (see `RedisTunnelStore`). By default, 10 s. */
  readonly leaseMs?: number;
  /** `--max-unconfirmed-writes`: the store's `maxUnconfirmedWrites` (0: every ACK waits for Redis). By default, the store's (1 000). */
  readonly maxUnconfirmedWrites?: number;
}

/** Parses the arguments after `serve`. */
export function parseServeArgs(argv: readonly string[]): ArgsResult<ServeOptions> {
  const parsed = parseOptions(
    "serve",
    argv,
    {
      host: { type: "string" },
      port: { type: "string" },
      "http-port": { type: "string" },
      "report-interval": { type: "string" },
      grace: { type: "string" },
      "tls-cert": { type: "string" },
      "tls-key": { type: "string" },
      "tls-client-ca": { type: "string" },
      "max-tunnels-per-node": { type: "string" },
      store: { type: "string" },
      lease: { type: "string" },
      "max-unconfirmed-writes": { type: "string" },
    },
    false,
  );
  if (!parsed.ok || parsed.help) return parsed;
  const values = parsed.args.values as Readonly<Record<string, string | undefined>>;
  const port = parseInteger("--port", values["port"] ?? "18000", 0, 65535);
  if (!port.ok) return port;
  const httpPort = parseInteger("--http-port", values["http-port"] ?? "18001", 0, 65535);
  if (!httpPort.ok) return httpPort;
  const grace = parseDuration("--grace", values["grace"] ?? "30s");
  if (!grace.ok) return grace;
  let reportIntervalMs: number | undefined;
  if (values["report-interval"] !== undefined) {
    const interval = parseDuration("--report-interval", values["report-interval"]);
    if (!interval.ok) return interval;
    if (interval.ms < 25 || interval.ms > 3_600_000) {
      return { ok: false, error: `--report-interval must be between 25ms and 1h (Envoy's limits), not ${values["report-interval"]}` };
    }
    reportIntervalMs = interval.ms;
  }
  let maxTunnelsPerNode: number | undefined;
  if (values["max-tunnels-per-node"] !== undefined) {
    const max = parseInteger("--max-tunnels-per-node", values["max-tunnels-per-node"], 1, Number.MAX_SAFE_INTEGER);
    if (!max.ok) return max;
    maxTunnelsPerNode = max.value;
  }
  const store = values["store"] ?? "memory";
  if (store !== "memory" && !/^rediss?:\/\/[^/]/.test(store)) return { ok: false, error: `--store must be memory, redis://HOST:PORT[/DB] or rediss://HOST:PORT[/DB], not ${store}` };
  const lease = parseDuration("--lease", values["lease"] ?? "10s");
  if (!lease.ok) return lease;
  if (lease.ms < 100) return { ok: false, error: `--lease must be at least 100ms, not ${values["lease"]}` };
  let maxUnconfirmedWrites: number | undefined;
  if (values["max-unconfirmed-writes"] !== undefined) {
    const max = parseInteger("--max-unconfirmed-writes", values["max-unconfirmed-writes"], 0, 1_000_000);
    if (!max.ok) return max;
    maxUnconfirmedWrites = max.value;
  }
  // Both tune the Redis store; with the memory store they would be ignored without a word.
  for (const option of ["lease", "max-unconfirmed-writes"]) {
    if (store === "memory" && values[option] !== undefined) return { ok: false, error: `--${option} applies to a Redis store; give --store redis://HOST:PORT[/DB] too` };
  }
  const tlsCert = values["tls-cert"];
  const tlsKey = values["tls-key"];
  const tlsClientCa = values["tls-client-ca"];
  if ((tlsCert === undefined) !== (tlsKey === undefined)) return { ok: false, error: "--tls-cert and --tls-key go together; give both or neither" };
  if (tlsClientCa !== undefined && tlsCert === undefined) return { ok: false, error: "--tls-client-ca needs --tls-cert and --tls-key (mutual TLS is TLS first)" };
  return {
    ok: true,
    help: false,
    options: {
      host: values["host"] ?? "0.0.0.0",
      port: port.value,
      httpPort: httpPort.value,
      graceMs: grace.ms,
      ...(values["lease"] === undefined ? {} : { leaseMs: lease.ms }),
      ...(maxUnconfirmedWrites === undefined ? {} : { maxUnconfirmedWrites }),
      ...(store === "memory" ? {} : { storeUrl: store }),
      ...(reportIntervalMs === undefined ? {} : { reportIntervalMs }),
      ...(maxTunnelsPerNode === undefined ? {} : { maxTunnelsPerNode }),
      ...(tlsCert === undefined ? {} : { tlsCert }),
      ...(tlsKey === undefined ? {} : { tlsKey }),
      ...(tlsClientCa === undefined ? {} : { tlsClientCa }),
    },
  };
}

import { parseDuration, parseInteger } from "./parse-duration.js";
import { parseOptions, type ArgsResult } from "./parse-options.js";

/** Options of `envoy-tap-tunnel report`. */
export interface ReportOptions {
  /** `--target HOST:PORT`: the server's gRPC address. */
  readonly host: string;
  readonly port: number;
  /** `--node`: the reporting node id; with several streams, `-1`, `-2`, ... are appended. By default, `envoy-tap-tunnel-report`. */
  readonly node: string;
  /** `--cluster`: the reporting node's cluster. By default, `envoy-tap-tunnel-report`. */
  readonly cluster: string;
  /** `--tunnels`: active tunnels per stream. By default, 10. */
  readonly tunnels: number;
  /** `--churn`: tunnels replaced (one removed, one added) per second per stream. By default, 0. */
  readonly churnPerSecond: number;
  /** `--duration`: how long to report. By default, 30 s. */
  readonly durationMs: number;
  /** `--streams`: concurrent reporters, each its own node and connection. By default, 1. */
  readonly streams: number;
  /** `--interval`: the send interval until the server sets one. By default, 5 s (Envoy's). */
  readonly intervalMs: number;
  /** `--retry-interval`: the wait before reconnecting. By default, 5 s (Envoy's). */
  readonly retryIntervalMs: number;
  /** `--tls-ca`: use TLS and trust this CA file. */
  readonly tlsCa?: string;
  /** `--tls-cert` and `--tls-key`: a client certificate for mutual TLS. */
  readonly tlsCert?: string;
  readonly tlsKey?: string;
}

/** Parses the arguments after `report`. */
export function parseReportArgs(argv: readonly string[]): ArgsResult<ReportOptions> {
  const parsed = parseOptions(
    "report",
    argv,
    {
      target: { type: "string" },
      node: { type: "string" },
      cluster: { type: "string" },
      tunnels: { type: "string" },
      churn: { type: "string" },
      duration: { type: "string" },
      streams: { type: "string" },
      interval: { type: "string" },
      "retry-interval": { type: "string" },
      "tls-ca": { type: "string" },
      "tls-cert": { type: "string" },
      "tls-key": { type: "string" },
    },
    false,
  );
  if (!parsed.ok || parsed.help) return parsed;
  const values = parsed.args.values as Readonly<Record<string, string | undefined>>;
  const target = values["target"];
  if (target === undefined) return { ok: false, error: "report needs --target HOST:PORT (the server's gRPC address); see envoy-tap-tunnel report --help" };
  const address = /^(?:\[([^\]]+)\]|([^:]+)):(\d+)$/.exec(target);
  if (address === null) return { ok: false, error: `--target must be HOST:PORT (127.0.0.1:18000, [::1]:18000), not "${target}"` };
  const port = parseInteger("--target's port", address[3]!, 1, 65535);
  if (!port.ok) return port;
  const tunnels = parseInteger("--tunnels", values["tunnels"] ?? "10", 0, 1_000_000);
  if (!tunnels.ok) return tunnels;
  const streams = parseInteger("--streams", values["streams"] ?? "1", 1, 100_000);
  if (!streams.ok) return streams;
  const churnText = values["churn"] ?? "0";
  const churn = /^(\d+(?:\.\d+)?)(?:\/s)?$/.exec(churnText);
  if (churn === null) return { ok: false, error: `--churn must be a rate such as 5/s or 0.5/s (tunnels replaced per second per stream), not "${churnText}"` };
  const durations: Record<string, number> = {};
  for (const [option, fallback] of [["duration", "30s"], ["interval", "5s"], ["retry-interval", "5s"]] as const) {
    const duration = parseDuration(`--${option}`, values[option] ?? fallback);
    if (!duration.ok) return duration;
    durations[option] = duration.ms;
  }
  if (durations["interval"]! < 25) return { ok: false, error: "--interval must be at least 25ms (Envoy's lower limit)" };
  const tlsCa = values["tls-ca"];
  const tlsCert = values["tls-cert"];
  const tlsKey = values["tls-key"];
  if ((tlsCert === undefined) !== (tlsKey === undefined)) return { ok: false, error: "--tls-cert and --tls-key go together; give both or neither" };
  if (tlsCert !== undefined && tlsCa === undefined) return { ok: false, error: "--tls-cert needs --tls-ca (the CA that signed the server's certificate)" };
  return {
    ok: true,
    help: false,
    options: {
      host: address[1] ?? address[2]!,
      port: port.value,
      node: values["node"] ?? "envoy-tap-tunnel-report",
      cluster: values["cluster"] ?? "envoy-tap-tunnel-report",
      tunnels: tunnels.value,
      churnPerSecond: Number(churn[1]),
      durationMs: durations["duration"]!,
      streams: streams.value,
      intervalMs: durations["interval"]!,
      retryIntervalMs: durations["retry-interval"]!,
      ...(tlsCa === undefined ? {} : { tlsCa }),
      ...(tlsCert === undefined ? {} : { tlsCert }),
      ...(tlsKey === undefined ? {} : { tlsKey }),
    },
  };
}

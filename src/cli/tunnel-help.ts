/**
 * The `--help` texts of the reverse tunnel commands, `serve` and `report`
 * (kept apart from help.ts, which holds the payload commands).
 */

/** `envoy-tap-tunnel serve --help`. */
export const SERVE_HELP = `Usage: envoy-tap-tunnel serve [options]

Run a reverse tunnel reporting server: Envoy's reverse tunnel gRPC reporter
(ReverseTunnelReportingService.StreamReverseTunnels) reports the tunnels it
holds, and the registry answers which Envoys hold a tunnel from which node.
Runs until SIGINT or SIGTERM, then stops accepting streams, ends the open
ones (so Envoys reconnect elsewhere) and exits. Logs one line per stream
event on stdout: TIME LEVEL EVENT message.

Options:
  --host ADDRESS               address to listen on (default 0.0.0.0)
  --port N                     gRPC port, HTTP/2 (default 18000)
  --http-port N                port of the HTTP views and status page (default 18001)
  --report-interval DURATION   report_interval sent to reporters in their first ACK,
                               25ms..1h (default: none, Envoy keeps its own)
  --grace DURATION             how long a disconnected node's tunnels are kept,
                               waiting for its reconnect (default 30s)
  --tls-cert FILE --tls-key FILE
                               serve gRPC over TLS (h2) with this PEM certificate and key
  --tls-client-ca FILE         require client certificates signed by this CA (mutual TLS)
  --max-tunnels-per-node N     NACK (RESOURCE_EXHAUSTED) a report that would leave a node
                               with more tunnels (default 100000)
  --store memory|redis://HOST:PORT[/DB]|rediss://HOST:PORT[/DB]
                               share the registry with other replicas through Redis
                               (password from the URL or REDIS_PASSWORD; default memory)
  --lease DURATION             this replica's lease in Redis; others release its nodes
                               one grace period after it lapses (default 10s)
  --max-unconfirmed-writes N   how many Redis writes may wait while the reports of nodes
                               this replica owns are ACKed from memory; beyond it a
                               report waits for its own write; 0: every ACK means Redis
                               holds the report (default 1000)
  -h, --help                   show this help

Durations are written as Envoy writes them: 250ms, 5s, 1.5s, 2m, 1h.

HTTP views (GET, on --http-port):
  /            status page: reporting nodes and their tunnels, live, with a search box
  /tunnels     JSON; filters ?initiator=NODE_ID ?tenant=T ?cluster=C ?node=REPORTING_NODE_ID;
               in pages with ?limit=N (at most 1000) and ?after=NEXT from the previous page
  /nodes       JSON: reporting nodes (connected or in grace), tunnel counts, last report;
               in pages with ?limit=N and ?cursor=NEXT
  /events      server-sent events of registry changes (a snapshot in parts first)
  /metrics     Prometheus text format
  /healthz     {"status":"ok"}, {"status":"degraded"} while Redis is unreachable,
               503 while shutting down

Exit codes: 0 stopped by a signal, 2 usage error, a port that cannot be bound
or a Redis store that cannot be reached at start.

Example:
  envoy-tap-tunnel serve --port 18000 --http-port 18001 --report-interval 5s --grace 30s
`;

/** `envoy-tap-tunnel report --help`. */
export const REPORT_HELP = `Usage: envoy-tap-tunnel report --target HOST:PORT [options]

Report reverse tunnels to a server exactly as Envoy's gRPC reporter does
(a full push with nonce 1 on every connect, a diff or empty heartbeat every
interval, reconnect after a NACK or any close), then print what was sent,
ACKed and NACKed, and the ACK latency percentiles. Use it to test a
management server.

Options:
  --target HOST:PORT        the server's gRPC address (required; [::1]:18000 for IPv6)
  --node ID                 the reporting node id; with --streams K, ID-1 .. ID-K
                            (default envoy-tap-tunnel-report)
  --cluster NAME            the reporting node's cluster (default envoy-tap-tunnel-report)
  --tunnels N               active tunnels per stream (default 10)
  --churn R/s               tunnels replaced (one removed, one added) per second per
                            stream, such as 5/s or 0.5/s (default 0)
  --duration DURATION       how long to report (default 30s)
  --streams K               concurrent reporters, each its own node and connection (default 1)
  --interval DURATION       send interval until the server sets report_interval (default 5s)
  --retry-interval DURATION wait before reconnecting (default 5s)
  --tls-ca FILE             connect with TLS, trusting this CA (PEM)
  --tls-cert FILE --tls-key FILE
                            client certificate and key for mutual TLS
  -h, --help                show this help

Exit codes: 0 every report ACKed, 1 a report was NACKed or none was ACKed, 2 usage error.

Example:
  envoy-tap-tunnel report --target 127.0.0.1:18000 --streams 10 --tunnels 100 --churn 1/s --duration 30s
`;

import assert from "node:assert/strict";
import { suite, test } from "node:test";
import { formatDuration, parseDuration } from "./parse-duration.js";
import { parseReportArgs } from "./report-args.js";
import { parseServeArgs } from "./serve-args.js";

suite("parseDuration()", () => {
  test("reads durations as Envoy writes them", () => {
    assert.deepEqual(
      ["5s", "250ms", "1.5s", ".5s", "2m", "1h", "0ms"].map((text) => parseDuration("--grace", text)),
      [5000, 250, 1500, 500, 120_000, 3_600_000, 0].map((ms) => ({ ok: true, ms })),
    );
  });

  test("refuses anything else with a message naming the option", () => {
    assert.deepEqual(parseDuration("--grace", "30"), { ok: false, error: '--grace must be a duration such as 5s, 250ms or 1.5s, not "30" (a unit is required: ms, s, m or h)' });
    for (const text of ["", "5 s", "-1s", "1.s", "5sec", "1e3ms", "PT5S"]) {
      assert.deepEqual(parseDuration("--interval", text), { ok: false, error: `--interval must be a duration such as 5s, 250ms or 1.5s, not "${text}"` });
    }
  });

  test("formats milliseconds the way it reads them", () => {
    assert.deepEqual([250, 1000, 1500, 30_000].map(formatDuration), ["250ms", "1s", "1.5s", "30s"]);
  });
});

suite("parseServeArgs()", () => {
  test("has the documented defaults", () => {
    assert.deepEqual(parseServeArgs([]), { ok: true, help: false, options: { host: "0.0.0.0", port: 18000, httpPort: 18001, graceMs: 30_000 } });
  });

  test("reads every option", () => {
    const parsed = parseServeArgs([
      "--host", "127.0.0.1", "--port", "0", "--http-port", "9000", "--report-interval", "1.5s", "--grace", "250ms",
      "--tls-cert", "c.pem", "--tls-key", "k.pem", "--tls-client-ca", "ca.pem", "--max-tunnels-per-node", "10",
    ]);
    assert.deepEqual(parsed, {
      ok: true,
      help: false,
      options: {
        host: "127.0.0.1", port: 0, httpPort: 9000, graceMs: 250, reportIntervalMs: 1500, maxTunnelsPerNode: 10,
        tlsCert: "c.pem", tlsKey: "k.pem", tlsClientCa: "ca.pem",
      },
    });
  });

  test("refuses bad values with one line each", () => {
    const errors = [
      [["--port", "70000"], "--port must be between 0 and 65535, not 70000"],
      [["--port", "x"], '--port must be a whole number, not "x"'],
      [["--report-interval", "10ms"], "--report-interval must be between 25ms and 1h (Envoy's limits), not 10ms"],
      [["--grace", "5"], '--grace must be a duration such as 5s, 250ms or 1.5s, not "5" (a unit is required: ms, s, m or h)'],
      [["--tls-cert", "c.pem"], "--tls-cert and --tls-key go together; give both or neither"],
      [["--tls-client-ca", "ca.pem"], "--tls-client-ca needs --tls-cert and --tls-key (mutual TLS is TLS first)"],
      [["--max-tunnels-per-node", "0"], "--max-tunnels-per-node must be between 1 and 9007199254740991, not 0"],
      [["--bogus"], "unknown option --bogus; see envoy-tap-tunnel serve --help"],
    ] as const;
    for (const [argv, error] of errors) assert.deepEqual(parseServeArgs(argv), { ok: false, error }, argv.join(" "));
  });
});

suite("parseReportArgs()", () => {
  test("needs --target and has the documented defaults", () => {
    assert.deepEqual(parseReportArgs([]), { ok: false, error: "report needs --target HOST:PORT (the server's gRPC address); see envoy-tap-tunnel report --help" });
    assert.deepEqual(parseReportArgs(["--target", "[::1]:18000"]), {
      ok: true,
      help: false,
      options: {
        host: "::1", port: 18000, node: "envoy-tap-tunnel-report", cluster: "envoy-tap-tunnel-report", tunnels: 10,
        churnPerSecond: 0, durationMs: 30_000, streams: 1, intervalMs: 5000, retryIntervalMs: 5000,
      },
    });
  });

  test("reads every option", () => {
    const parsed = parseReportArgs([
      "--target", "localhost:1", "--node", "n", "--cluster", "c", "--tunnels", "5", "--churn", "2.5/s", "--duration", "1.5s",
      "--streams", "3", "--interval", "100ms", "--retry-interval", "1s", "--tls-ca", "ca.pem", "--tls-cert", "c.pem", "--tls-key", "k.pem",
    ]);
    assert.deepEqual(parsed, {
      ok: true,
      help: false,
      options: {
        host: "localhost", port: 1, node: "n", cluster: "c", tunnels: 5, churnPerSecond: 2.5, durationMs: 1500, streams: 3,
        intervalMs: 100, retryIntervalMs: 1000, tlsCa: "ca.pem", tlsCert: "c.pem", tlsKey: "k.pem",
      },
    });
  });

  test("refuses bad values with one line each", () => {
    const errors = [
      [["--target", "localhost"], '--target must be HOST:PORT (127.0.0.1:18000, [::1]:18000), not "localhost"'],
      [["--target", "h:0"], "--target's port must be between 1 and 65535, not 0"],
      [["--target", "h:1", "--churn", "fast"], '--churn must be a rate such as 5/s or 0.5/s (tunnels replaced per second per stream), not "fast"'],
      [["--target", "h:1", "--duration", "10"], '--duration must be a duration such as 5s, 250ms or 1.5s, not "10" (a unit is required: ms, s, m or h)'],
      [["--target", "h:1", "--interval", "10ms"], "--interval must be at least 25ms (Envoy's lower limit)"],
      [["--target", "h:1", "--streams", "0"], "--streams must be between 1 and 100000, not 0"],
      [["--target", "h:1", "--tls-cert", "c.pem", "--tls-key", "k.pem"], "--tls-cert needs --tls-ca (the CA that signed the server's certificate)"],
    ] as const;
    for (const [argv, error] of errors) assert.deepEqual(parseReportArgs(argv), { ok: false, error }, argv.join(" "));
  });
});

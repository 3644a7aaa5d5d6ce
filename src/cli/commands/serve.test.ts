import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { createServer } from "node:net";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { suite, test } from "node:test";
import { memoryIO } from "../memory-io.testdata.js";
import { reportCommand } from "./report.js";
import { serveCommand } from "./serve.js";

const serveDefaults = { host: "127.0.0.1", port: 0, httpPort: 0, graceMs: 30_000 };
const reportDefaults = { host: "127.0.0.1", node: "edge", cluster: "core", tunnels: 5, churnPerSecond: 0, durationMs: 600, streams: 1, intervalMs: 50, retryIntervalMs: 100 };

async function waitForLine(read: () => string, pattern: RegExp, timeoutMs = 10_000): Promise<RegExpExecArray> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const match = pattern.exec(read());
    if (match) return match;
    if (Date.now() > deadline) throw new Error(`no line matching ${pattern} in:\n${read()}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

suite("serve and report commands", () => {
  test("report runs reporters against serve, prints ACKs and latency percentiles; serve logs each stream event and stops on its signal", async () => {
    const serveIO = memoryIO();
    const stop = new AbortController();
    const serving = serveCommand({ ...serveDefaults, reportIntervalMs: 100 }, serveIO, stop.signal);
    const [, port] = await waitForLine(serveIO.stdout.text, /info listening gRPC on 127\.0\.0\.1:(\d+) \(h2c\), HTTP views on http:\/\/127\.0\.0\.1:\d+\/; grace 30s, report interval 100ms/);

    const reportIO = memoryIO();
    const code = await reportCommand({ ...reportDefaults, port: Number(port), streams: 2, churnPerSecond: 20 }, reportIO, new AbortController().signal);
    const output = reportIO.stdout.text();
    assert.equal(code, 0, output);
    assert.match(output, /^reporting to 127\.0\.0\.1:\d+: 2 streams, 5 tunnels each, churn 20\/s, interval 50ms, for 600ms$/m);
    const counts = /^reported for [\d.]+m?s: sent (\d+) requests; ACKed (\d+), NACKed 0, out-of-order ACKs 0$/m.exec(output);
    assert.ok(counts, output);
    assert.ok(Number(counts[2]) >= 4 && Number(counts[2]) <= Number(counts[1]), output);
    assert.match(output, /^ACK latency: p50 [\d.]+ms, p90 [\d.]+ms, p99 [\d.]+ms, max [\d.]+ms \(\d+ ACKs\)$/m);
    assert.match(output, /^connection attempts 2; disconnects none$/m);
    assert.equal(reportIO.stderr.text(), "");

    stop.abort();
    assert.equal(await serving, 0);
    const log = serveIO.stdout.text();
    for (const event of ["stream-opened", "node-connected", "stream-closed", "node-disconnected", "shutting-down", "closed"]) {
      assert.match(log, new RegExp(`^\\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z (info|warn) ${event} `, "m"), `${event} in\n${log}`);
    }
    assert.match(log, / node-connected node core\/edge-1 connected on stream /);
    assert.equal(serveIO.stderr.text(), "");
  });

  test("report against a port nobody serves: nothing ACKed, exit 1", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const io = memoryIO();
    const code = await reportCommand({ ...reportDefaults, port, durationMs: 300 }, io, new AbortController().signal);
    assert.equal(code, 1);
    assert.match(io.stdout.text(), /ACKed 0, NACKed 0/);
    assert.match(io.stdout.text(), /^ACK latency: no ACKs$/m);
    assert.match(io.stdout.text(), /disconnects stream_creation_failed \d+/);
  });

  test("serve on a port in use is a usage error naming the address", async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, "127.0.0.1", resolve));
    const port = (taken.address() as AddressInfo).port;
    try {
      await assert.rejects(serveCommand({ ...serveDefaults, port }, memoryIO(), new AbortController().signal), {
        name: "CliError",
        message: `cannot serve on 127.0.0.1 (ports ${port}, 0): the address is in use`,
      });
    } finally {
      taken.close();
    }
  });

  test("serve with a TLS file that is missing or not PEM is a one-line error", async () => {
    await assert.rejects(serveCommand({ ...serveDefaults, tlsCert: "/nonexistent/cert.pem", tlsKey: "/nonexistent/key.pem" }, memoryIO(), new AbortController().signal), {
      message: "cannot read /nonexistent/cert.pem: no such file or directory",
    });
    const notPem = join(import.meta.dirname, "serve.test.ts");
    await assert.rejects(serveCommand({ ...serveDefaults, tlsCert: notPem, tlsKey: notPem }, memoryIO(), new AbortController().signal), {
      message: `${notPem} is not a PEM file (no "-----BEGIN" line)`,
    });
  });

  test("the serve process shuts down gracefully on SIGTERM and exits 0", async () => {
    const repoRoot = join(import.meta.dirname, "..", "..", "..");
    const child = spawn(
      process.execPath,
      // With -e, process.argv has no script path: a stand-in keeps argv.slice(2) the command's arguments.
      ["--import", "tsx", "-e", 'import("./src/cli/main.ts").then((cli) => cli.run())', "envoy-tap-tunnel", "serve", "--host", "127.0.0.1", "--port", "0", "--http-port", "0"],
      { cwd: repoRoot, stdio: ["ignore", "pipe", "pipe"] },
    );
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = once(child, "close");
    await waitForLine(() => stdout, / info listening gRPC on /, 30_000);
    child.kill("SIGTERM");
    const [code] = (await exited) as [number];
    assert.equal(code, 0, stderr);
    assert.match(stdout, / info shutting-down /);
    assert.match(stdout, / info closed server closed$/m);
    assert.equal(stderr, "");
  });
});

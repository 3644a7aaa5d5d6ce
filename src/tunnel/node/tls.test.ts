import assert from "node:assert/strict";
import { after, before, suite, test } from "node:test";
import { Code, ConnectError } from "@connectrpc/connect";
import { requireTool } from "../../../test/support/external-tool.js";
import type { AuthorizeContext, PeerIdentity } from "../index.js";
import { makeTestCertificates, type TestCertificates } from "./certificates.testdata.js";
import { initiatorTunnel, testReporter } from "./reporter.testdata.js";
import { startReportingServer } from "./start-reporting-server.js";
import type { ReportingServer, ReportingServerLogEntry } from "./reporting-server-options.js";
import { sleep, tunnelNames, waitFor } from "./server.testdata.js";

const missing = requireTool("openssl", ["version"]);

suite("startReportingServer() with TLS and mutual TLS", { skip: missing }, () => {
  let certs: TestCertificates;
  before(() => {
    certs = makeTestCertificates();
  });
  after(() => certs.dispose());

  test("TLS: a reporter that trusts the server's CA reports over h2", async () => {
    const server = await startReportingServer({ tls: { key: certs.serverKey, cert: certs.serverCert } });
    const { reporter } = testReporter(server.grpcPort, "upstream-1", { tls: { ca: certs.caCert } });
    try {
      reporter.addTunnel(initiatorTunnel("a"));
      reporter.start();
      await waitFor("the full push over TLS", async () => (await tunnelNames(server)).length === 1);
      assert.deepEqual(await tunnelNames(server), ["upstream-1/t1:a"]);
    } finally {
      await reporter.stop();
      await server.close();
    }
  });

  suite("mutual TLS", () => {
    let server: ReportingServer;
    const seen: AuthorizeContext[] = [];
    const log: ReportingServerLogEntry[] = [];
    before(async () => {
      server = await startReportingServer({
        tls: { key: certs.serverKey, cert: certs.serverCert, clientCa: certs.caCert },
        // The hook a deployment would write: a reporter may only report for the node its certificate names.
        authorize(context) {
          seen.push(context);
          if (context.peer?.commonName !== context.node.id) {
            throw new ConnectError(`certificate ${context.peer?.subject ?? "(none)"} may not report for node ${context.node.id}`, Code.PermissionDenied);
          }
        },
        log: (entry) => log.push(entry),
      });
    });
    after(() => server.close());

    test("the hook sees the client certificate's subject and SANs, and lets its node report", async () => {
      const { reporter, events } = testReporter(server.grpcPort, "upstream-1", { tls: { ca: certs.caCert, cert: certs.clientCert, key: certs.clientKey } });
      try {
        reporter.addTunnel(initiatorTunnel("a"));
        reporter.start();
        await waitFor("an ACK", () => events.some((e) => e.type === "ack"));
        assert.deepEqual(await tunnelNames(server), ["upstream-1/t1:a"]);
      } finally {
        await reporter.stop();
      }
      const peer: PeerIdentity | undefined = seen[0]?.peer;
      assert.equal(peer?.authorized, true);
      assert.equal(peer?.commonName, "upstream-1");
      assert.equal(peer?.subject, "CN=upstream-1,O=example");
      assert.deepEqual(peer?.subjectAltNames, ["URI:spiffe://example.org/envoy/upstream-1", "DNS:upstream-1.example.org"]);
      assert.match(peer?.fingerprint256 ?? "", /^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
      assert.match(peer?.address ?? "", /^127\.0\.0\.1:\d+$/);
    });

    test("the hook refuses a node the certificate does not name with PERMISSION_DENIED", async () => {
      const { reporter, events } = testReporter(server.grpcPort, "upstream-2", { tls: { ca: certs.caCert, cert: certs.clientCert, key: certs.clientKey } });
      try {
        reporter.addTunnel(initiatorTunnel("b"));
        reporter.start();
        await waitFor("the refusal", () => events.some((e) => e.type === "disconnected"));
      } finally {
        await reporter.stop();
      }
      const disconnected = events.find((e) => e.type === "disconnected");
      assert.equal(ConnectError.from(disconnected?.type === "disconnected" ? disconnected.error : undefined).code, Code.PermissionDenied);
      assert.equal(events.some((e) => e.type === "ack"), false);
      assert.deepEqual(await tunnelNames(server, "?node=upstream-2"), []);
    });

    test("a reporter without a client certificate, or with one from another CA, is refused at the handshake", async () => {
      for (const tls of [{ ca: certs.caCert }, { ca: certs.caCert, cert: certs.strangerCert, key: certs.strangerKey }]) {
        const before = seen.length;
        const { reporter, events } = testReporter(server.grpcPort, "upstream-1", { tls, connectRetryIntervalMs: 5_000 });
        try {
          reporter.addTunnel(initiatorTunnel("c"));
          reporter.start();
          await waitFor("the failed connection", () => events.some((e) => e.type === "disconnected"));
          await sleep(50);
        } finally {
          await reporter.stop();
        }
        assert.equal(events.some((e) => e.type === "ack"), false);
        assert.equal(seen.length, before, "the hook never ran: the stream never reached the service");
        assert.equal(reporter.stats().counters.acks_received, 0);
      }
      assert.ok(log.some((entry) => entry.event === "tls-refused"), JSON.stringify(log));
      assert.deepEqual(await tunnelNames(server, "?initiator=c"), []);
    });
  });
});

import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, suite, test } from "node:test";
import { fromBinary } from "@bufbuild/protobuf";
import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";
import { BadRequestSchema } from "../../../gen/google/rpc/error_details_pb.js";
import { startReportingServer } from "./start-reporting-server.js";
import type { ReportingServer } from "./reporting-server-options.js";
import { getJson, tunnelNames } from "./server.testdata.js";

/** The package's own .proto files, loaded by an independent protobuf stack (protobufjs under proto-loader). */
const protoRoot = join(import.meta.dirname, "..", "..", "..", "proto");
const serviceProto = "envoy/extensions/reverse_tunnel_reporters/v3alpha/clients/grpc_client/stream_reverse_tunnels.proto";

interface WireResponse {
  node_id: string;
  report_interval: { seconds: string; nanos: number } | null;
  request_nonce: string;
  error_detail: { code: number; message: string; details: { type_url: string; value: Buffer }[] } | null;
}

type ServiceClient = grpc.Client & { StreamReverseTunnels(): grpc.ClientDuplexStream<object, WireResponse> };

function loadClient(port: number): ServiceClient {
  const definition = protoLoader.loadSync(serviceProto, { includeDirs: [protoRoot], keepCase: true, longs: String, defaults: true });
  const loaded = grpc.loadPackageDefinition(definition) as unknown as Record<string, Record<string, Record<string, Record<string, Record<string, Record<string, Record<string, new (address: string, credentials: grpc.ChannelCredentials) => ServiceClient>>>>>>>;
  const Service = loaded["envoy"]!["extensions"]!["reverse_tunnel_reporters"]!["v3alpha"]!["clients"]!["grpc_client"]!["ReverseTunnelReportingService"]!;
  return new Service(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
}

/** A bidi stream where each `send` resolves with the next response. */
function openStream(client: ServiceClient) {
  const call = client.StreamReverseTunnels();
  const responses: WireResponse[] = [];
  const waiters: ((response: WireResponse) => void)[] = [];
  let failure: Error | undefined;
  call.on("data", (response: WireResponse) => {
    const waiter = waiters.shift();
    if (waiter) waiter(response);
    else responses.push(response);
  });
  call.on("error", (error: Error) => (failure = error));
  return {
    call,
    send(request: object): Promise<WireResponse> {
      if (failure) return Promise.reject(failure);
      call.write(request);
      const queued = responses.shift();
      if (queued) return Promise.resolve(queued);
      return new Promise((resolve) => waiters.push(resolve));
    },
  };
}

const node = { id: "upstream-1", cluster: "core" };
const wireTunnel = (name: string, nodeId: string, seconds: number, tenant = "t1") => ({
  name,
  identity: { tenant_id: tenant, cluster_id: "edge", node_id: nodeId },
  created_at: { seconds: String(seconds), nanos: 0 },
});
const ack = (nonce: number, reportInterval: WireResponse["report_interval"] = null): WireResponse => ({
  node_id: "upstream-1",
  report_interval: reportInterval,
  request_nonce: String(nonce),
  error_detail: null,
});

suite("StreamReverseTunnels with @grpc/grpc-js", () => {
  let server: ReportingServer;
  let client: ServiceClient;
  before(async () => {
    server = await startReportingServer({ reportIntervalMs: 1500 });
    client = loadClient(server.grpcPort);
  });
  after(async () => {
    client.close();
    await server.close();
  });

  test("full push, diffs, heartbeat, names in both lists, an invalid request and a repeated nonce", async () => {
    const stream = openStream(client);

    // A full push: ACKed with the configured report_interval, error_detail unset.
    assert.deepEqual(await stream.send({ node, full_push: true, nonce: 1, added_tunnels: [wireTunnel("a", "a", 100), wireTunnel("b", "b", 101)] }), ack(1, { seconds: "1", nanos: 500_000_000 }));
    assert.deepEqual(await tunnelNames(server), ["upstream-1/a", "upstream-1/b"]);

    // A diff: removes, then adds.
    assert.deepEqual(await stream.send({ node, nonce: 2, added_tunnels: [wireTunnel("c", "c", 102)], removed_tunnel_names: ["a"] }), ack(2));
    assert.deepEqual(await tunnelNames(server), ["upstream-1/b", "upstream-1/c"]);

    // An empty heartbeat.
    assert.deepEqual(await stream.send({ node, nonce: 3 }), ack(3));
    assert.deepEqual(await tunnelNames(server), ["upstream-1/b", "upstream-1/c"]);

    // A held name in both lists: removed and re-added, with the new identity.
    assert.deepEqual(await stream.send({ node, nonce: 4, added_tunnels: [wireTunnel("b", "b2", 200, "t9")], removed_tunnel_names: ["b"] }), ack(4));
    const { body } = await getJson<{ tunnels: { name: string; identity: unknown; createdAt: string }[] }>(server.httpPort, "/tunnels?node=upstream-1");
    assert.deepEqual(
      body.tunnels.map((t) => [t.name, t.identity, t.createdAt]),
      [
        ["b", { tenantId: "t9", clusterId: "edge", nodeId: "b2" }, "1970-01-01T00:03:20Z"],
        ["c", { tenantId: "t1", clusterId: "edge", nodeId: "c" }, "1970-01-01T00:01:42Z"],
      ],
    );

    // A name not held in both lists: added and removed within the interval, so dropped.
    assert.deepEqual(await stream.send({ node, nonce: 5, added_tunnels: [wireTunnel("d", "d", 103)], removed_tunnel_names: ["d"] }), ack(5));
    assert.deepEqual(await tunnelNames(server), ["upstream-1/b", "upstream-1/c"]);

    // An invalid request: NACK INVALID_ARGUMENT with a BadRequest naming each problem; nothing changes.
    const invalid = await stream.send({ node, nonce: 6, added_tunnels: [{ name: "", identity: { tenant_id: "t1", cluster_id: "edge", node_id: "e" } }], removed_tunnel_names: [""] });
    assert.equal(invalid.request_nonce, "6");
    assert.equal(invalid.report_interval, null);
    assert.equal(invalid.error_detail?.code, grpc.status.INVALID_ARGUMENT);
    assert.equal(invalid.error_detail?.details.length, 1);
    const detail = invalid.error_detail!.details[0]!;
    assert.equal(detail.type_url, "type.googleapis.com/google.rpc.BadRequest");
    const badRequest = fromBinary(BadRequestSchema, new Uint8Array(detail.value));
    assert.deepEqual(
      badRequest.fieldViolations.map((v) => [v.field, v.reason]).sort(),
      [
        ["added_tunnels[0].created_at", "timestamp.required"],
        ["added_tunnels[0].name", "string.min_len"],
        ["removed_tunnel_names[0]", "string.min_len"],
      ],
    );
    for (const violation of badRequest.fieldViolations) assert.ok(violation.description.length > 0, violation.field);
    assert.deepEqual(await tunnelNames(server), ["upstream-1/b", "upstream-1/c"]);

    // A repeated nonce: NACK FAILED_PRECONDITION echoing that nonce; nothing changes.
    const repeated = await stream.send({ node, nonce: 5, removed_tunnel_names: ["b"] });
    assert.equal(repeated.request_nonce, "5");
    assert.equal(repeated.error_detail?.code, grpc.status.FAILED_PRECONDITION);
    assert.deepEqual(repeated.error_detail?.details, []);
    assert.deepEqual(await tunnelNames(server), ["upstream-1/b", "upstream-1/c"]);

    // The stream still works: the next nonce is ACKed.
    assert.deepEqual(await stream.send({ node, nonce: 7, removed_tunnel_names: ["c"] }), ack(7));
    assert.deepEqual(await tunnelNames(server), ["upstream-1/b"]);

    stream.call.end();
    await new Promise<void>((resolve) => stream.call.on("status", () => resolve()));
    const nodes = await getJson<{ nodes: { id: string; state: string }[] }>(server.httpPort, "/nodes");
    assert.deepEqual(nodes.body.nodes.map((n) => [n.id, n.state]), [["upstream-1", "grace"]]);
  });

  test("a first request that is not a full push is NACKed FAILED_PRECONDITION", async () => {
    const stream = openStream(client);
    const response = await stream.send({ node: { id: "upstream-2", cluster: "core" }, nonce: 1, added_tunnels: [wireTunnel("x", "x", 1)] });
    assert.equal(response.request_nonce, "1");
    assert.equal(response.error_detail?.code, grpc.status.FAILED_PRECONDITION);
    assert.deepEqual(await tunnelNames(server, "?node=upstream-2"), []);
    stream.call.cancel();
  });
});

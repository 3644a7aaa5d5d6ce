import assert from "node:assert/strict";
import { test } from "node:test";
import { formatNodeKey, type RegistryEvent, type TunnelRecord } from "../index.js";
import { decodeEventBatchBody, decodeEventBatchHeader, encodeEventBatch } from "./redis-event-codec.js";

const node = { id: 'up"1\n', cluster: "core" };
const other = { id: "up-2-ä-😀", cluster: "edge" };
const tunnel: TunnelRecord = {
  name: "t1:x",
  identity: { tenantId: "t1", clusterId: "c", nodeId: "x" },
  createdAt: "2026-01-29T10:00:00.5Z",
  firstReportedAt: 10,
  lastReportedAt: 20,
  streamId: "s-1",
};
const events: RegistryEvent[] = [
  { type: "node-connected", at: 1, node, streamId: "s-1", epoch: 2, previousOwner: undefined },
  { type: "tunnel-added", at: 1, node, streamId: "s-1", tunnel },
  { type: "tunnel-removed", at: 2, node, streamId: "s-1", tunnel, reason: "replaced" },
  { type: "tunnel-removed", at: 3, node: other, streamId: undefined, tunnel, reason: "expired" },
  { type: "report-anomaly", at: 4, node, streamId: "s-1", kind: "removed-unknown", name: "t1:y" },
  { type: "node-disconnected", at: 5, node: other, streamId: "s-9", graceUntil: 99 },
  { type: "node-expired", at: 6, node: other, tunnelCount: 1 },
];

test("an event batch decodes to what JSON would give, with a header naming the sender and the nodes", () => {
  let asked = 0;
  const message = encodeEventBatch("replica-1", events, (t) => {
    asked++;
    return JSON.stringify(t);
  });
  assert.equal(asked, 3, "the tunnel JSON comes from the caller, once per tunnel event");
  const decoded = decodeEventBatchHeader(Buffer.from(message));
  assert.ok(decoded !== undefined);
  assert.equal(decoded.header.from, "replica-1");
  assert.deepEqual([...decoded.header.keys].sort(), [formatNodeKey(node), formatNodeKey(other)].sort());
  assert.deepEqual(decodeEventBatchBody(decoded.body.toString("utf8")), JSON.parse(JSON.stringify(events)));
});

test("a message that is not an event batch is ignored, not thrown", () => {
  assert.equal(decodeEventBatchHeader(Buffer.from("no line break")), undefined);
  assert.equal(decodeEventBatchHeader(Buffer.from("{bad json\n[]")), undefined);
  assert.equal(decodeEventBatchHeader(Buffer.from('{"from":1,"keys":[]}\n[]')), undefined);
  assert.deepEqual(decodeEventBatchBody("[1,"), []);
  assert.deepEqual(decodeEventBatchBody("{}"), []);
});

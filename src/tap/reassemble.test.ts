import assert from "node:assert/strict";
import { suite, test } from "node:test";
import { reassemble } from "./reassemble.js";
import type { ItemOrigin, TapEvent, TraceItem } from "./model.js";

const at = (source: string, fragment = 0): ItemOrigin => ({ source, fragment, position: undefined });
const ev = (type: TapEvent["type"], time: bigint | undefined, data = "", extra: Partial<TapEvent> = {}): TapEvent => ({ timestamp: time, type, data: new TextEncoder().encode(data), endStream: false, truncated: false, seqNum: undefined, ...extra });
const event = (trace: string, e: TapEvent, origin = at("f.pb")): TraceItem => ({ ...origin, kind: "event", api: trace.startsWith("v3") ? "v3" : "v2alpha", trace, event: e, message: undefined as never });
const socket = (address: string, port: number) => ({ kind: "socket" as const, address, port, protocol: "tcp" as const });

suite("reassemble()", () => {
  test("joins v2alpha fragments across files by connection id and orders events by timestamp, stably", async () => {
    const { connections, findings } = await reassemble([
      { ...at("a_1.pb"), kind: "connection", api: "v2alpha", trace: "v2alpha:1", connection: { id: 1n, local: socket("10.0.0.1", 80) } },
      event("v2alpha:1", ev("read", 30n, "c"), at("a_1.pb")),
      { ...at("b_1.json"), kind: "connection", api: "v2alpha", trace: "v2alpha:1", connection: { id: 1n, remote: socket("10.0.0.2", 5000) } },
      event("v2alpha:1", ev("read", 10n, "a"), at("b_1.json")),
      event("v2alpha:1", ev("write", 10n, "b"), at("b_1.json")),
    ]);
    assert.deepEqual(findings, []);
    assert.equal(connections.length, 1);
    const [c] = connections;
    assert.deepEqual(c!.connection, { id: 1n, local: socket("10.0.0.1", 80), remote: socket("10.0.0.2", 5000) });
    assert.deepEqual(c!.sources, ["a_1.pb", "b_1.json"]);
    assert.deepEqual(c!.events.map((e) => new TextDecoder().decode(e.data)), ["a", "b", "c"]);
    assert.deepEqual(c!.findings.map((f) => f.ruleId), ["trace.timestamp_order"]);
  });

  test("reports a conflict between fragments as an error and keeps the first value", async () => {
    const { connections } = await reassemble([
      { ...at("a_1.pb"), kind: "connection", api: "v2alpha", trace: "v2alpha:1", connection: { id: 1n, local: socket("10.0.0.1", 80) } },
      { ...at("b_1.pb"), kind: "connection", api: "v2alpha", trace: "v2alpha:1", connection: { id: 1n, local: socket("10.0.0.9", 80) } },
    ]);
    assert.deepEqual(connections[0]!.connection.local, socket("10.0.0.1", 80));
    assert.deepEqual(connections[0]!.findings.map((f) => [f.ruleId, f.severity, f.message]), [
      ["trace.connection_conflict", "error", "connection v2alpha:1: local is 10.0.0.1:80 in one fragment and 10.0.0.9:80 in b_1.pb; kept the first"],
    ]);
  });

  test("orders by seq_num, reporting gaps, duplicates and a late start", async () => {
    const { connections } = await reassemble([
      event("v3:5", ev("read", 1n, "x", { seqNum: 4n })),
      event("v3:5", ev("read", 2n, "y", { seqNum: 2n })),
      event("v3:5", ev("read", 3n, "y", { seqNum: 2n })),
      event("v3:5", ev("write", 4n, "z", { seqNum: 2n })),
    ]);
    const c = connections[0]!;
    assert.deepEqual(c.events.map((e) => e.seqNum), [2n, 4n]);
    assert.deepEqual(c.findings.map((f) => [f.ruleId, f.severity]), [
      ["trace.no_connection", "warning"],
      ["trace.seq_duplicate", "warning"],
      ["trace.seq_duplicate", "error"],
      ["trace.seq_gap", "warning"],
      ["trace.seq_gap", "warning"],
    ]);
  });

  test("reports truncation, writes after end_stream and events without timestamps", async () => {
    const { connections } = await reassemble([
      { ...at("t.pb"), kind: "connection", api: "v3", trace: "v3:1", connection: {} },
      event("v3:1", ev("write", 1n, "a", { endStream: true })),
      event("v3:1", ev("write", 2n, "b", { truncated: true })),
      event("v3:1", ev("read", undefined, "c")),
      { ...at("t.pb"), kind: "truncation", api: "v3", trace: "v3:1", readTruncated: true, writeTruncated: false },
    ]);
    assert.deepEqual(connections[0]!.findings.map((f) => f.ruleId), ["trace.write_after_end_stream", "trace.truncated", "trace.truncated", "trace.missing_timestamp"]);
  });

  test("joins a v2alpha fragment without a connection to its file's connection id, and reports one without either", async () => {
    const { connections } = await reassemble([
      { ...at("x_3.pb"), kind: "connection", api: "v2alpha", trace: "v2alpha:3", connection: { id: 3n } },
      event("v2alpha:3", ev("read", 1n, "a"), at("y_3.pb_text")),
      event("file:anon.pb#0", ev("read", 1n, "b"), at("anon.pb")),
    ]);
    assert.deepEqual(connections.map((c) => [c.key, c.events.length]), [["v2alpha:3", 1], ["file:anon.pb#0", 1]]);
    assert.deepEqual(connections[1]!.findings.map((f) => f.ruleId), ["trace.no_connection"]);
  });
});

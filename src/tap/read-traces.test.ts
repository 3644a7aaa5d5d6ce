import assert from "node:assert/strict";
import { suite, test } from "node:test";
import { create, fromBinary, toBinary, toJson } from "@bufbuild/protobuf";
import fc from "fast-check";
import { TraceSchema } from "../../gen/envoy/data/tap/v2alpha/capture_pb.js";
import { TraceWrapperSchema } from "../../gen/envoy/data/tap/v3/wrapper_pb.js";
import { encode } from "../codec/index.js";
import { registry } from "../registry.js";
import { readTraces, type TraceSource } from "./read-traces.js";
import type { TraceItem } from "./model.js";

/** `bytes` in chunks cut at the given points. */
function chunked(bytes: Uint8Array, cuts: readonly number[] = []): AsyncIterable<Uint8Array> {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  return (async function* () {
    let start = 0;
    for (const point of [...points, bytes.length]) {
      if (point > start) yield bytes.subarray(start, point);
      start = Math.max(start, point);
    }
  })();
}

async function collect(sources: TraceSource[], options = {}): Promise<TraceItem[]> {
  const items: TraceItem[] = [];
  for await (const item of readTraces(sources, options)) items.push(item);
  return items;
}

const eventArb = fc.record({
  timestamp: fc.option(fc.record({ seconds: fc.bigInt({ min: 0n, max: 2n ** 33n }), nanos: fc.integer({ min: 0, max: 999_999_999 }) }), { nil: undefined }),
  eventSelector: fc.oneof(
    fc.record({ case: fc.constant("read" as const), value: fc.record({ data: fc.uint8Array({ maxLength: 300 }) }) }),
    fc.record({ case: fc.constant("write" as const), value: fc.record({ data: fc.uint8Array({ maxLength: 300 }), endStream: fc.boolean() }) }),
  ),
});
const traceArb = fc.record({
  connection: fc.record({ id: fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), localAddress: fc.constant({ address: { case: "socketAddress" as const, value: { address: "10.0.0.1", portSpecifier: { case: "portValue" as const, value: 80 } } } }) }),
  events: fc.array(eventArb, { maxLength: 12 }),
}).map((init) => create(TraceSchema, init));

suite("readTraces()", () => {
  test("yields the events a whole-message decode gives, for concatenated binary fragments cut into any chunks", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(traceArb, { minLength: 1, maxLength: 3 }), fc.array(fc.nat(), { maxLength: 8 }), async (traces, cuts) => {
        // Envoy's fragments of one connection share its id; concatenation merges them into one Trace.
        const same = traces.map((t) => create(TraceSchema, { ...t, connection: traces[0]!.connection }));
        const bytes = new Uint8Array(Buffer.concat(same.map((t) => toBinary(TraceSchema, t))));
        const whole = fromBinary(TraceSchema, bytes);
        const items = await collect([{ name: "x.pb", chunks: chunked(bytes, cuts) }], { type: "v2alpha" });
        assert.deepEqual(items.filter((i) => i.kind === "finding"), []);
        assert.deepEqual(items.flatMap((i) => (i.kind === "event" ? [i.message] : [])), whole.events);
      }),
      { numRuns: 60 },
    );
  });

  test("reads binary in place: with transient events, a source that reuses a chunk's memory once the next is asked for changes nothing", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(traceArb, { minLength: 1, maxLength: 3 }), fc.array(fc.nat(), { maxLength: 12 }), async (traces, cuts) => {
        // A first event of 1.1 MiB: the reader decides the format on the first MiB, then reads in place.
        const head = create(TraceSchema, { connection: traces[0]!.connection, events: [{ eventSelector: { case: "read", value: { data: new Uint8Array(1_150_000).fill(7) } } }] });
        const same = [head, ...traces.map((t) => create(TraceSchema, { ...t, connection: traces[0]!.connection }))];
        const bytes = new Uint8Array(Buffer.concat(same.map((t) => toBinary(TraceSchema, t))));
        const whole = fromBinary(TraceSchema, bytes);
        const reading = { inPlace: false };
        // Chunks of 1 MiB as the CLI reads them, cut further at points past the first.
        cuts = [...cuts.map((c) => 1_048_576 + (c % (bytes.length - 1_048_575))), 1_048_576];
        // Harder than the CLI's file reader under `inPlace`: a chunk handed out in place is overwritten as soon as the next is asked for.
        async function* reused(): AsyncGenerator<Uint8Array> {
          for await (const chunk of chunked(bytes, cuts)) {
            const inPlace = reading.inPlace;
            const handed = inPlace ? chunk.slice() : chunk;
            yield handed;
            if (inPlace) handed.fill(0xee);
          }
        }
        const data: Uint8Array[] = [];
        for await (const item of readTraces([{ name: "x.pb", chunks: reused(), reading }], { type: "v2alpha", transient: true })) {
          assert.notEqual(item.kind, "finding");
          if (item.kind === "event") data.push(item.event.data.slice());
        }
        assert.equal(reading.inPlace, true);
        assert.deepEqual(data, whole.events.map((e) => e.eventSelector.value?.data ?? new Uint8Array(0)));
      }),
      { numRuns: 100 },
    );
  });

  test("yields the events of a v3 buffered trace read field by field as a whole decode gives them", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(eventArb, { maxLength: 10 }), fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), fc.array(fc.nat(), { maxLength: 8 }), async (events, traceId, cuts) => {
        const wrapper = create(TraceWrapperSchema, {
          trace: {
            case: "socketBufferedTrace",
            value: {
              traceId,
              events: events.map((e) => ({ ...(e.timestamp ? { timestamp: e.timestamp } : {}), eventSelector: e.eventSelector.case === "read" ? { case: "read" as const, value: { data: { bodyType: { case: "asBytes" as const, value: e.eventSelector.value.data } } } } : { case: "write" as const, value: { data: { bodyType: { case: "asBytes" as const, value: e.eventSelector.value.data } }, endStream: e.eventSelector.value.endStream } } })),
              readTruncated: true,
            },
          },
        });
        const bytes = toBinary(TraceWrapperSchema, wrapper);
        const whole = fromBinary(TraceWrapperSchema, bytes);
        const items = await collect([{ name: "t.pb", chunks: chunked(bytes, cuts) }]);
        const expected = whole.trace.case === "socketBufferedTrace" ? whole.trace.value.events : [];
        assert.deepEqual(items.flatMap((i) => (i.kind === "event" ? [i.message] : [])), expected);
        assert.ok(items.every((i) => i.kind !== "event" || i.trace === `v3:${traceId}`));
        assert.ok(items.some((i) => i.kind === "truncation" && i.readTruncated));
      }),
      { numRuns: 60 },
    );
  });

  test("reads one trace the same from binary, delimited, JSON (bytes or string bodies), NDJSON, the admin stream and text", async () => {
    const trace = create(TraceWrapperSchema, {
      trace: { case: "socketBufferedTrace", value: { traceId: 9n, events: [{ timestamp: { seconds: 5n }, eventSelector: { case: "read", value: { data: { bodyType: { case: "asBytes", value: new TextEncoder().encode("GET / HTTP/1.1\r\n\r\n") } } } } }] } },
    });
    const asString = create(TraceWrapperSchema, {
      trace: { case: "socketBufferedTrace", value: { traceId: 9n, events: [{ timestamp: { seconds: 5n }, eventSelector: { case: "read", value: { data: { bodyType: { case: "asString", value: "GET / HTTP/1.1\r\n\r\n" } } } } }] } },
    });
    const json = JSON.stringify(toJson(TraceWrapperSchema, trace, { registry }), null, 2);
    const inputs: [string, Uint8Array][] = [
      ["t_9.pb", toBinary(TraceWrapperSchema, trace)],
      ["t_9.pb_length_delimited", encode(TraceWrapperSchema, [trace, trace], "delimited")],
      ["t_9.json", new TextEncoder().encode(json)],
      ["t_9s.json", new TextEncoder().encode(JSON.stringify(toJson(TraceWrapperSchema, asString, { registry })))],
      ["t_9.ndjson", encode(TraceWrapperSchema, [trace, trace], "ndjson")],
      ["admin-stream", new TextEncoder().encode(`${json}\n${json}\n`)],
      ["t_9.pb_text", encode(TraceWrapperSchema, [trace], "text")],
    ];
    for (const [name, bytes] of inputs) {
      const items = await collect([{ name, chunks: chunked(bytes, [3, 17]) }]);
      const events = items.flatMap((i) => (i.kind === "event" ? [i] : []));
      assert.ok(events.length >= 1, name);
      for (const e of events) {
        assert.equal(e.trace, "v3:9", name);
        assert.equal(new TextDecoder().decode(e.event.data), "GET / HTTP/1.1\r\n\r\n", name);
        assert.equal(e.event.timestamp, 5_000_000_000n, name);
      }
      assert.deepEqual(items.filter((i) => i.kind === "finding"), [], name);
    }
  });

  test("tells v2alpha from v3 by content, and a forced type wins", async () => {
    const v2 = toBinary(TraceSchema, create(TraceSchema, { connection: { id: 3n }, events: [{ eventSelector: { case: "read", value: { data: new Uint8Array([1]) } } }] }));
    const v3 = toBinary(TraceWrapperSchema, create(TraceWrapperSchema, { trace: { case: "socketStreamedTraceSegment", value: { traceId: 4n, messagePiece: { case: "event", value: { eventSelector: { case: "closed", value: {} } } } } } }));
    const items = await collect([{ name: "a.pb", chunks: chunked(v2) }, { name: "b.pb", chunks: chunked(v3) }]);
    assert.deepEqual(items.filter((i) => i.kind === "event").map((i) => (i.kind === "event" ? [i.api, i.trace] : [])), [["v2alpha", "v2alpha:3"], ["v3", "v3:4"]]);
  });

  test("reads a v2alpha Connection whose id protobuf-es would also read as an HttpBufferedTrace request as v2alpha", async () => {
    // 08 1f (id 31) is a varint; HttpBufferedTrace.request is a message, which protobuf-es reads from it without failing.
    for (const id of [0n, 1n, 31n, 2n ** 40n]) {
      const bytes = toBinary(TraceSchema, create(TraceSchema, { connection: { id, localAddress: { address: { case: "socketAddress", value: { address: "10.0.0.1", portSpecifier: { case: "portValue", value: 443 } } } } } }));
      const items = await collect([{ name: "x.pb", chunks: chunked(bytes) }]);
      assert.deepEqual(items.map((i) => [i.kind, i.kind === "connection" ? i.api : ""]), [["connection", "v2alpha"]], String(id));
    }
  });

  test("ends a damaged input with an error finding at its byte offset, and goes on with the next input", async () => {
    const good = toBinary(TraceSchema, create(TraceSchema, { connection: { id: 1n }, events: [{ eventSelector: { case: "read", value: { data: new Uint8Array(10) } } }] }));
    const cut = good.subarray(0, good.length - 3);
    const items = await collect([{ name: "cut.pb", chunks: chunked(cut, [5]) }, { name: "good.pb", chunks: chunked(good) }]);
    const findings = items.flatMap((i) => (i.kind === "finding" ? [i.finding] : []));
    assert.equal(findings.length, 1);
    assert.deepEqual([findings[0]!.ruleId, findings[0]!.severity, findings[0]!.source, findings[0]!.position], ["wire.truncated", "error", "cut.pb", { offset: 4 }]);
    assert.ok(items.some((i) => i.kind === "event" && i.source === "good.pb"));
  });
});


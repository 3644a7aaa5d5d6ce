import { suite, test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { create, equals, type DescMessage, type MessageShape } from "@bufbuild/protobuf";
import { TraceSchema, type Trace } from "../../gen/envoy/data/tap/v2alpha/capture_pb.js";
import {
  StreamReverseTunnelsRequestSchema,
  StreamReverseTunnelsResponseSchema,
} from "../../gen/envoy/extensions/reverse_tunnel_reporters/v3alpha/clients/grpc_client/stream_reverse_tunnels_pb.js";
import { fullRequest, fullResponse, fullTrace } from "../../test/full-messages.testdata.js";
import { decode, encode, isDecodeError, readMessages, writeMessages, type EncodeOptions, type Format } from "./index.js";
import { chunked, collect, concat, envoyTraceText } from "./codec.testdata.js";

const allFormats: readonly Format[] = ["binary", "delimited", "json", "ndjson", "text"];
const singleMessageFormats: ReadonlySet<Format> = new Set(["binary", "text"]);

const arbitraryTrace: fc.Arbitrary<Trace> = fc
  .record({
    id: fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
    path: fc.string(),
    port: fc.integer({ min: 0, max: 65535 }),
    events: fc.array(
      fc.record({
        seconds: fc.bigInt({ min: 0n, max: 253402300799n }),
        nanos: fc.integer({ min: 0, max: 999_999_999 }),
        data: fc.uint8Array({ maxLength: 64 }),
        write: fc.boolean(),
        endStream: fc.boolean(),
      }),
      { maxLength: 4 },
    ),
  })
  .map(({ id, path, port, events }) =>
    create(TraceSchema, {
      connection: {
        id,
        localAddress: { address: { case: "pipe", value: { path } } },
        remoteAddress: { address: { case: "socketAddress", value: { address: "::1", portSpecifier: { case: "portValue", value: port } } } },
      },
      events: events.map((e) => ({
        timestamp: { seconds: e.seconds, nanos: e.nanos },
        eventSelector: e.write ? { case: "write" as const, value: { data: e.data, endStream: e.endStream } } : { case: "read" as const, value: { data: e.data } },
      })),
    }),
  );

const arbitraryOptions: fc.Arbitrary<EncodeOptions> = fc.record({
  pretty: fc.boolean(),
  useProtoFieldNames: fc.boolean(),
  jsonLayout: fc.constantFrom("auto", "array", "concatenated"),
});

const arbitraryChunkSizes = fc.array(fc.integer({ min: 1, max: 97 }), { minLength: 1, maxLength: 8 });

async function assertRoundTrip<Desc extends DescMessage>(
  schema: Desc,
  messages: readonly MessageShape<Desc>[],
  format: Format,
  options: EncodeOptions,
  chunkSizes: readonly number[],
): Promise<void> {
  const bytes = concat(await collect(writeMessages(schema, messages, format, options)));
  const read = await collect(readMessages(schema, chunked(bytes, chunkSizes), format));
  assert.equal(read.length, messages.length);
  read.forEach((item, i) => assert.ok(equals(schema, item.message, messages[i]!), `${format} message ${i} differs`));
}

suite("round trips", () => {
  test("every fully populated message survives every format and chunking", async () => {
    const [envoyTrace] = decode(TraceSchema, envoyTraceText, "text");
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...allFormats), arbitraryOptions, arbitraryChunkSizes, async (format, options, sizes) => {
        const traces = singleMessageFormats.has(format) ? [fullTrace] : [fullTrace, envoyTrace!, create(TraceSchema)];
        await assertRoundTrip(TraceSchema, traces, format, options, sizes);
        await assertRoundTrip(StreamReverseTunnelsRequestSchema, [fullRequest], format, options, sizes);
        await assertRoundTrip(StreamReverseTunnelsResponseSchema, [fullResponse], format, options, sizes);
      }),
      { numRuns: 60 },
    );
  });

  test("random traces survive every format and chunking", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...allFormats),
        fc.array(arbitraryTrace, { minLength: 1, maxLength: 4 }),
        arbitraryOptions,
        arbitraryChunkSizes,
        async (format, traces, options, sizes) => {
          await assertRoundTrip(TraceSchema, singleMessageFormats.has(format) ? traces.slice(0, 1) : traces, format, options, sizes);
        },
      ),
      { numRuns: 150 },
    );
  });

  test("damaged input fails only with DecodeError, never a raw library error", () => {
    let failures = 0;
    const valid = allFormats.map((format) => [format, encode(TraceSchema, singleMessageFormats.has(format) ? [fullTrace] : [fullTrace, fullTrace], format)] as const);
    fc.assert(
      fc.property(
        fc.constantFrom(...valid),
        fc.array(fc.record({ at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }), { minLength: 1, maxLength: 4 }),
        fc.nat(),
        ([format, bytes], damage, cut) => {
          const damaged = bytes.slice(0, Math.max(1, bytes.length - (cut % 8)));
          for (const { at, byte } of damage) damaged[at % damaged.length] = byte;
          try {
            decode(TraceSchema, damaged, format);
          } catch (error) {
            failures++;
            assert.ok(isDecodeError(error), `${format}: ${String(error)}`);
          }
        },
      ),
      { numRuns: 1000 },
    );
    // The damage must actually reach the error paths.
    assert.ok(failures > 300, `only ${failures} of 1000 damaged inputs failed`);
  });

  test("random bytes fail only with DecodeError in every format", () => {
    fc.assert(
      fc.property(fc.constantFrom(...allFormats), fc.uint8Array({ maxLength: 200 }), (format, bytes) => {
        try {
          decode(TraceSchema, bytes, format);
        } catch (error) {
          assert.ok(isDecodeError(error), `${format}: ${String(error)}`);
        }
      }),
      { numRuns: 1000 },
    );
  });
});

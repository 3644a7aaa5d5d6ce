import { suite, test } from "node:test";
import assert from "node:assert/strict";
import { create, toBinary } from "@bufbuild/protobuf";
import { anyPack } from "@bufbuild/protobuf/wkt";
import { TraceSchema } from "../../gen/envoy/data/tap/v2alpha/capture_pb.js";
import { BadRequestSchema } from "../../gen/google/rpc/error_details_pb.js";
import { StreamReverseTunnelsResponseSchema } from "../../gen/envoy/extensions/reverse_tunnel_reporters/v3alpha/clients/grpc_client/stream_reverse_tunnels_pb.js";
import { fullRequest, fullTrace } from "../../test/full-messages.testdata.js";
import { decode, unknownFieldPaths } from "./index.js";
import { StreamReverseTunnelsRequestSchema } from "../../gen/envoy/extensions/reverse_tunnel_reporters/v3alpha/clients/grpc_client/stream_reverse_tunnels_pb.js";

/** Length-delimited field `number` holding `data`. */
const lengthDelimited = (number: number, data: readonly number[]): number[] => [(number << 3) | 2, data.length, ...data];

suite("unknownFieldPaths()", () => {
  test("is empty for messages built from the schema", () => {
    assert.deepEqual(unknownFieldPaths(TraceSchema, fullTrace), []);
    assert.deepEqual(unknownFieldPaths(StreamReverseTunnelsRequestSchema, fullRequest), []);
  });

  test("names the root, nested messages and repeated elements with their field numbers", () => {
    const bytes = Uint8Array.from([
      ...lengthDelimited(1, [0x20, 0x07, 0x38, 0x01]), // connection { field 4: 7, field 7: 1 }
      ...lengthDelimited(2, []), // events[0] {}
      ...lengthDelimited(2, []), // events[1] {}
      ...lengthDelimited(2, [0x48, 0x01, ...lengthDelimited(3, [0x10, 0x01, 0x48, 0x02])]), // events[2] { field 9, write { end_stream, field 9 } }
      0x48, 0x01, 0x48, 0x02, // root field 9, twice
    ]);
    const [trace] = decode(TraceSchema, bytes, "binary");
    assert.deepEqual(unknownFieldPaths(TraceSchema, trace!), ["(field 9)", "connection (fields 4, 7)", "events[2] (field 9)", "events[2].write (field 9)"]);
  });

  test("looks inside an Any whose type the registry knows", () => {
    const inner = Uint8Array.from([...toBinary(BadRequestSchema, create(BadRequestSchema, { fieldViolations: [{ field: "x" }] })), 0x48, 0x01]);
    const response = create(StreamReverseTunnelsResponseSchema, {
      errorDetail: { details: [anyPack(BadRequestSchema, create(BadRequestSchema)), { typeUrl: "type.googleapis.com/google.rpc.BadRequest", value: inner }] },
    });
    assert.deepEqual(unknownFieldPaths(StreamReverseTunnelsResponseSchema, response), ["error_detail.details[1] (field 9)"]);
  });

  test("does not throw for an Any whose packed bytes do not decode, and still searches the rest", () => {
    const response = create(StreamReverseTunnelsResponseSchema, {
      errorDetail: {
        details: [
          { typeUrl: "type.googleapis.com/google.rpc.BadRequest", value: Uint8Array.of(0x0a, 0x05, 0x41) },
          { typeUrl: "type.googleapis.com/google.rpc.BadRequest", value: Uint8Array.of(0x48, 0x01) },
        ],
      },
    });
    assert.deepEqual(unknownFieldPaths(StreamReverseTunnelsResponseSchema, response), ["error_detail.details[1] (field 9)"]);
  });

  test("names map values by key", () => {
    // node { dynamic_parameters { key: "k" value { field 5: 1 } } }
    const entry = [...lengthDelimited(1, [0x6b]), ...lengthDelimited(2, [0x28, 0x01])];
    const bytes = Uint8Array.from(lengthDelimited(1, lengthDelimited(12, entry)));
    const [request] = decode(StreamReverseTunnelsRequestSchema, bytes, "binary");
    assert.deepEqual(unknownFieldPaths(StreamReverseTunnelsRequestSchema, request!), ['node.dynamic_parameters["k"] (field 5)']);
  });
});

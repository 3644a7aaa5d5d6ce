import { suite, test } from "node:test";
import assert from "node:assert/strict";
import { fromBinary, toBinary } from "@bufbuild/protobuf";
import { EventSchema, StreamReverseTunnelsRequestSchema, TraceSchema } from "../src/index.js";

/** Hex, written by hand, so the bytes under test do not come from the code under test. */
function bytes(hex: string): Uint8Array {
  return Uint8Array.from(Buffer.from(hex.replace(/\s+/g, ""), "hex"));
}

suite("unknown fields", () => {
  const cases: { name: string; schema: Parameters<typeof fromBinary>[0]; hex: string }[] = [
    {
      // Event: timestamp {seconds: 1}, read {data: "hi"}, then field 15 varint 150,
      // field 16 fixed64, field 17 length-delimited "xyz", field 18 fixed32.
      name: "Event keeps varint, fixed64, length-delimited and fixed32 unknowns in place",
      schema: EventSchema,
      hex: "0a020801 1204 0a026869 7896 01 8101 0102030405060708 8a01 03 78797a 9501 deadbeef",
    },
    {
      // Trace: connection {id: 7, field 99 varint 1}, events[0] {field 4 length-delimited ""}, then field 3 of Trace.
      name: "unknowns nested in sub-messages survive as well as top-level ones",
      schema: TraceSchema,
      hex: "0a05 0807 98 06 01 1202 2200 1801",
    },
    {
      // StreamReverseTunnelsRequest: nonce 5, then an unknown group (field 20, start/end group).
      name: "a deprecated group-encoded unknown field survives",
      schema: StreamReverseTunnelsRequestSchema,
      hex: "2805 a301 0801 a401",
    },
  ];
  for (const { name, schema, hex } of cases) {
    test(name, () => {
      const input = bytes(hex);
      const output = toBinary(schema, fromBinary(schema, input));
      assert.equal(Buffer.from(output).toString("hex"), Buffer.from(input).toString("hex"));
    });
  }
});

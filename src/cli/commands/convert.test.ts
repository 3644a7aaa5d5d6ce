import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, suite, test } from "node:test";
import { create, toBinary } from "@bufbuild/protobuf";
import { BinaryWriter, sizeDelimitedEncode, WireType } from "@bufbuild/protobuf/wire";
import { anyPack } from "@bufbuild/protobuf/wkt";
import { BadRequestSchema, StreamReverseTunnelsResponseSchema, TraceSchema } from "../../index.js";
import { repoRoot } from "../built-cli.testdata.js";
import { main } from "../main.js";
import { memoryIO } from "../memory-io.testdata.js";

const dir = mkdtempSync(join(tmpdir(), "envoy-tap-tunnel-convert-"));
after(() => rmSync(dir, { recursive: true, force: true }));

async function run(args: string[]) {
  const io = memoryIO();
  const code = await main(args, io);
  return { code, stdout: io.stdout.text(), stderr: io.stderr.text() };
}

function file(name: string, bytes: Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}

const TRACE = "envoy.data.tap.v2alpha.Trace";
const RESPONSE = "envoy.extensions.reverse_tunnel_reporters.v3alpha.clients.grpc_client.StreamReverseTunnelsResponse";
const readAndWrite = join(repoRoot, "examples", "invalid", "read-and-write.Trace.pb");
const unknownField = join(repoRoot, "examples", "warnings", "unknown-field.Trace.pb");

/** A StreamReverseTunnelsResponse whose error_detail.details are these Anys (details[0] is at byte 6). */
function responseWithDetails(...details: { typeUrl: string; value: Uint8Array }[]): Uint8Array {
  return toBinary(StreamReverseTunnelsResponseSchema, create(StreamReverseTunnelsResponseSchema, { requestNonce: 1n, errorDetail: { code: 3, details } }));
}

suite("envoy-tap-tunnel convert: nothing is lost silently", () => {
  test("refuses two members of one oneof on the wire, whatever the output format, naming the oneof and the byte offset", async () => {
    for (const to of ["json", "text", "delimited"]) {
      assert.deepEqual(await run(["convert", "--to", to, readAndWrite]), {
        code: 1,
        stdout: "",
        stderr: `envoy-tap-tunnel: ${readAndWrite} #0 @18: events[0].event_selector: cannot convert ${TRACE} to ${to}: at most one of read, write may be set, but the wire holds more than one: only the last would be kept [oneof.multiple] (pass --allow-loss to convert anyway)\n`,
      });
    }
  });

  test("with --allow-loss keeps the last member, as every decoder does", async () => {
    assert.deepEqual(await run(["convert", "--to", "json", "--allow-loss", readAndWrite]), {
      code: 0,
      stdout: '{"events":[{"timestamp":"2026-11-19T09:00:00Z","write":{"data":"cG9uZw=="}}]}\n',
      stderr: "",
    });
  });

  test("refuses an unknown field going to json, ndjson or text, and keeps it in binary", async () => {
    for (const to of ["json", "ndjson", "text"]) {
      assert.deepEqual(await run(["convert", "--to", to, unknownField]), {
        code: 1,
        stdout: "",
        stderr: `envoy-tap-tunnel: ${unknownField} #0 @18: events[0]: cannot convert ${TRACE} to ${to}: unknown field 6 (varint) of envoy.data.tap.v2alpha.Event, which ${to} cannot hold [wire.unknown_field] (pass --allow-loss to drop unknown fields, or convert to binary or delimited)\n`,
      });
    }
    const copy = join(dir, "copy.Trace.pb");
    assert.deepEqual(await run(["convert", unknownField, "-o", copy]), { code: 0, stdout: "", stderr: "" });
    assert.deepEqual(readFileSync(copy), readFileSync(unknownField));
  });

  test("drops unknown fields with --allow-loss, and with the deprecated --allow-unknown-loss", async () => {
    const expected = { code: 0, stdout: '{"events":[{"timestamp":"2026-11-19T09:00:00Z","read":{"data":"cGluZw=="}}]}\n', stderr: "" };
    assert.deepEqual(await run(["convert", "--to", "json", "--allow-loss", unknownField]), expected);
    assert.deepEqual(await run(["convert", "--to", "json", "--allow-unknown-loss", unknownField]), expected);
  });

  test("names the byte offset in the whole input for a later delimited message", async () => {
    const clean = sizeDelimitedEncode(TraceSchema, create(TraceSchema, { connection: { id: 1n } }));
    // connection { id: 2, field 9: 1 }: the unknown tag is 4 bytes into the message, after its 1-byte prefix.
    const connection = new BinaryWriter().tag(1, WireType.Varint).uint64(2n).tag(9, WireType.Varint).int32(1).finish();
    const second = new BinaryWriter().tag(1, WireType.LengthDelimited).bytes(connection).finish();
    const source = file("two.Trace.pb_length_delimited", Uint8Array.from([...clean, second.length, ...second]));
    const offset = clean.length + 1 + 4;
    assert.deepEqual(await run(["convert", "--to", "ndjson", source]), {
      code: 1,
      // Output streams: the first message was written before the second was read.
      stdout: '{"connection":{"id":"1"}}\n',
      stderr: `envoy-tap-tunnel: ${source} #1 @${offset}: connection: cannot convert ${TRACE} to ndjson: unknown field 9 (varint) of envoy.data.tap.v2alpha.Connection, which ndjson cannot hold [wire.unknown_field] (pass --allow-loss to drop unknown fields, or convert to binary or delimited)\n`,
    });
  });

  test("refuses an unknown field inside the message an Any packs, at the Any's offset", async () => {
    const badRequest = new BinaryWriter().tag(9, WireType.Varint).int32(1).finish();
    const source = file("packed.StreamReverseTunnelsResponse.pb", responseWithDetails({ typeUrl: "type.googleapis.com/google.rpc.BadRequest", value: badRequest }));
    assert.deepEqual(await run(["convert", "--to", "json", source]), {
      code: 1,
      stdout: "",
      stderr: `envoy-tap-tunnel: ${source} #0 @6: error_detail.details[0]: cannot convert ${RESPONSE} to json: unknown field 9 of google.rpc.BadRequest (packed in a google.protobuf.Any), which json cannot hold [wire.unknown_field] (pass --allow-loss to drop unknown fields, or convert to binary or delimited)\n`,
    });
  });

  test("refuses an Any whose type the registry does not know going to JSON; text keeps it raw", async () => {
    const unknownType = { typeUrl: "type.example.com/example.Unknown", value: Uint8Array.of(0x08, 0x01) };
    const source = file("any.StreamReverseTunnelsResponse.pb", responseWithDetails(unknownType));
    for (const to of ["json", "ndjson"]) {
      assert.deepEqual(await run(["convert", "--to", to, source]), {
        code: 1,
        stdout: "",
        stderr: `envoy-tap-tunnel: ${source} #0 @6: error_detail.details[0]: cannot convert ${RESPONSE} to ${to}: the type of google.protobuf.Any "type.example.com/example.Unknown" is not in the type registry, so ${to} cannot write it [json.any] (pass --allow-loss to convert anyway)\n`,
      });
    }
    const text = await run(["convert", "--to", "text", source]);
    assert.equal(text.code, 0);
    assert.match(text.stdout, /type_url: "type\.example\.com\/example\.Unknown"\n\s+value: "\\x08\\x01"/);
  });

  test("drops each Any JSON cannot write with --allow-loss, keeping the others", async () => {
    const known = anyPack(BadRequestSchema, create(BadRequestSchema, { fieldViolations: [{ field: "f" }] }));
    const source = file(
      "anys.StreamReverseTunnelsResponse.pb",
      responseWithDetails(
        { typeUrl: "type.example.com/example.Unknown", value: Uint8Array.of(0x08, 0x01) },
        known,
        { typeUrl: "", value: Uint8Array.of(0x08, 0x01) },
      ),
    );
    const refused = await run(["convert", "--to", "json", source]);
    assert.equal(refused.code, 1);
    assert.deepEqual(await run(["convert", "--to", "json", "--allow-loss", source]), {
      code: 0,
      stdout: '{"requestNonce":"1","errorDetail":{"code":3,"details":[{"fieldViolations":[{"field":"f"}],"@type":"type.googleapis.com/google.rpc.BadRequest"}]}}\n',
      stderr: "",
    });
  });

  test("refuses an Any with a value but no type URL, which JSON would write as {}", async () => {
    const source = file("untyped.StreamReverseTunnelsResponse.pb", responseWithDetails({ typeUrl: "", value: Uint8Array.of(0x08, 0x01) }));
    assert.deepEqual(await run(["convert", "--to", "json", source]), {
      code: 1,
      stdout: "",
      stderr: `envoy-tap-tunnel: ${source} #0 @6: error_detail.details[0]: cannot convert ${RESPONSE} to json: google.protobuf.Any has a value of 2 bytes but no type URL, so json cannot write it [json.any] (pass --allow-loss to convert anyway)\n`,
    });
  });

  test("refuses a wire type the decoder misreads without failing, even with --allow-loss", async () => {
    // connection { id as a length-delimited value [0x01], then id: 7 }: the decoder reads 1, then 7.
    const source = file("misread.Trace.pb", Uint8Array.of(0x0a, 0x04, 0x0a, 0x01, 0x08, 0x07));
    for (const extra of [[], ["--allow-loss"]]) {
      assert.deepEqual(await run(["convert", "--to", "json", ...extra, source]), {
        code: 1,
        stdout: "",
        // Decoding itself refuses it now (the wire walk runs first), with the rule id in the error's ruleId.
        stderr: `envoy-tap-tunnel: ${source} #0 @2: connection.id: cannot decode ${TRACE} from binary: field connection.id: field id (uint64) has wire type length-delimited; expected varint [wire.wire_type_mismatch]\n`,
      });
    }
  });

  test("converts a singular field present twice: the last scalar wins and messages merge, as in every protobuf runtime", async () => {
    const first = new BinaryWriter().tag(1, WireType.Varint).uint64(1n).finish();
    const second = new BinaryWriter().tag(2, WireType.LengthDelimited).bytes(Uint8Array.of(0x12, 0x03, 0x0a, 0x01, 0x78)).finish();
    const connection = (inner: Uint8Array) => new BinaryWriter().tag(1, WireType.LengthDelimited).bytes(inner).finish();
    const source = file("twice.Trace.pb", Uint8Array.from([...connection(first), ...connection(second), ...connection(Uint8Array.of(0x08, 0x02))]));
    assert.deepEqual(await run(["convert", "--to", "json", source]), {
      code: 0,
      stdout: '{"connection":{"id":"2","localAddress":{"pipe":{"path":"x"}}}}\n',
      stderr: "",
    });
  });
});

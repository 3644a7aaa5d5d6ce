import assert from "node:assert/strict";
import { suite, test } from "node:test";
import { clone, createFileRegistry, createRegistry, type DescFile } from "@bufbuild/protobuf";
import { FileDescriptorProtoSchema, file_google_protobuf_timestamp } from "@bufbuild/protobuf/wkt";
import { file_envoy_api_v2_core_address } from "../gen/envoy/api/v2/core/address_pb.js";
import { file_envoy_data_tap_v2alpha_capture } from "../gen/envoy/data/tap/v2alpha/capture_pb.js";
import { file_validate_validate } from "../gen/validate/validate_pb.js";
import { registry } from "../src/registry.js";
import { requireTool } from "../test/support/external-tool.js";
import { createCodec } from "./codec.js";
import { runConformance } from "./run.js";

/**
 * A scratch copy of capture.proto in which Event's read (2) and write (3)
 * trade field numbers: a codec built on it reads and writes the other member.
 */
function swappedEventRegistry() {
  const proto = clone(FileDescriptorProtoSchema, file_envoy_data_tap_v2alpha_capture.proto);
  const event = proto.messageType.find((m) => m.name === "Event");
  assert.ok(event, "capture.proto declares Event");
  for (const field of event.field) {
    if (field.number === 2) field.number = 3;
    else if (field.number === 3) field.number = 2;
  }
  const deps: DescFile[] = [file_envoy_api_v2_core_address, file_google_protobuf_timestamp, file_validate_validate];
  const broken = createFileRegistry(proto, (name) => deps.find((file) => file.proto.name === name));
  // The broken file last: for a type in both, createRegistry keeps the last.
  return createRegistry(registry, broken);
}

const protocSkip = requireTool("protoc");

suite("runConformance() with Event's fields 2 and 3 swapped", () => {
  const report = runConformance({
    codecOverride: createCodec(swappedEventRegistry()),
    protoc: protocSkip === undefined ? "require" : "off",
    // The validation corpus is validateJson's and validateBinary's business; here only the codec is broken.
    corpus: false,
  });
  const failing = new Set(report.results.filter((r) => r.status === "fail").map((r) => r.caseId));

  test("fails the run", () => {
    assert.ok(report.failed > 0);
  });

  test("fails every Event and Trace case that carries a read or a write", () => {
    const affected = [
      "event/documented",
      "event/documented-write",
      "event/camel-case",
      "event/read-empty",
      "event/write-empty",
      "event/timestamp-min",
      "event/timestamp-max",
      "event/last-member-wins",
      "event/unknown-fields",
      "trace/documented",
      "trace/camel-case",
      "trace/full",
      "trace/extremes",
      "trace/unknown-fields",
    ];
    assert.deepEqual(affected.filter((id) => !failing.has(id)), []);
  });

  test("fails nothing outside Event and Trace (the failures point at the defect)", () => {
    assert.deepEqual([...failing].filter((id) => !id.startsWith("event/") && !id.startsWith("trace/")), []);
  });

  test("catches the swap against hand-written bytes alone, without protoc", () => {
    const failed = report.results.filter((r) => r.caseId === "event/documented" && r.status === "fail").map((r) => r.check);
    assert.ok(failed.includes("binary"), `failed checks: ${failed.join(", ")}`);
  });

  test("catches the swap through protoc's independent reading", { skip: protocSkip ?? false }, () => {
    const decode = report.results.find((r) => r.caseId === "event/documented" && r.check === "protoc-decode");
    assert.equal(decode?.status, "fail");
    assert.match(decode.detail ?? "", /protoc --decode/);
  });
});

import assert from "node:assert/strict";
import { suite, test } from "node:test";
import { clone, create, equals, fromBinary, toBinary, type DescMessage } from "@bufbuild/protobuf";
import fc from "fast-check";
import { ConnectionSchema, EventSchema, TraceSchema } from "../../gen/envoy/data/tap/v2alpha/capture_pb.js";
import { StreamReverseTunnelsRequestSchema } from "../../gen/envoy/extensions/reverse_tunnel_reporters/v3alpha/clients/grpc_client/stream_reverse_tunnels_pb.js";
import { applyBinaryEdits, BINARY_EDIT_KINDS } from "../../test/differential/binary-mutations.js";
import { binarySeeds } from "../../test/differential/seeds.testdata.js";
import { WireRule } from "../fault/rule-ids.js";
import { registry } from "../registry.js";
import { messagePlan } from "../wire/plan.js";
import { withLeadingByteOrderMarks } from "../wire/read-scalar.js";
import { walk, type FailingMessage, type WalkReport } from "../wire/walk.js";
import { formatPath } from "../fault/path.js";
import { wireRules } from "./planner.js";
import { validCases } from "./property.testdata.js";
import { validate, validateBinary, type ValidateBinaryOptions } from "./index.js";
import { pathAndAncestors } from "./validate-binary.js";
import type { Violation } from "../fault/violation.js";

/**
 * What validateBinary reported before it validated messages alone: the
 * report walk, then the whole message decoded and validated, and every
 * violation located by a walk of the whole payload.
 */
function wholeMessageFindings(schema: DescMessage, bytes: Uint8Array, options: ValidateBinaryOptions = {}) {
  const report = walk(bytes, messagePlan(schema), { mode: "report", registry }) as WalkReport;
  const first = (violations: readonly Violation[]) => (options.failFast === true ? violations.slice(0, 1) : violations);
  if (report.malformed || report.violations.some((v) => v.ruleId === WireRule.forbiddenKey)) {
    return { violations: first(report.violations), warnings: report.warnings, message: undefined };
  }
  const message = withLeadingByteOrderMarks(() => fromBinary(schema, bytes, { readUnknownFields: true }));
  if (options.failFast === true && report.violations.length > 0) return { violations: first(report.violations), warnings: report.warnings, message };
  const rules = validate(schema, message, options);
  const wanted = new Set(rules.violations.flatMap((v) => pathAndAncestors(v.path)));
  const offsets = new Map<string, number>();
  walk(bytes, messagePlan(schema), { mode: "report", registry, wanted, offsets });
  const located = rules.violations.map((v) => {
    const offset = pathAndAncestors(v.path)
      .map((p) => offsets.get(p))
      .find((o) => o !== undefined);
    return offset === undefined ? v : { ...v, position: { offset } };
  });
  return { violations: [...report.violations, ...located], warnings: [...report.warnings, ...rules.warnings], message };
}

function assertSameFindings(schema: DescMessage, bytes: Uint8Array, options: ValidateBinaryOptions = {}): void {
  const expected = wholeMessageFindings(schema, bytes, options);
  const actual = validateBinary(schema, bytes, options);
  assert.deepEqual([actual.violations, actual.warnings], [expected.violations, expected.warnings]);
  assert.equal(actual.kind, expected.violations.length === 0 ? "valid" : "invalid");
  if (expected.message === undefined) assert.equal(actual.message, undefined);
  else assert.ok(equals(schema, actual.message!, expected.message), "the decoded message differs");
}

/** The messages a walk that records failing ones records, by path. */
function failingPaths(schema: DescMessage, bytes: Uint8Array): string[] {
  const failing: FailingMessage[] = [];
  walk(bytes, messagePlan(schema, wireRules), { mode: "report", registry, failing });
  return failing.map((part) => formatPath(part.path));
}

const concat = (...parts: Uint8Array[]) => Uint8Array.from(parts.flatMap((p) => [...p]));

suite("validateBinary() on invalid payloads validates only the failing messages, with the findings of the whole", () => {
  test("records the outermost message whose rules fail, outside maps and Any payloads; a Timestamp fails with its event", () => {
    const trace = create(TraceSchema, {
      events: [
        { timestamp: { seconds: 1n }, eventSelector: { case: "read", value: {} } },
        {},
        { timestamp: { seconds: 2n, nanos: -1 }, eventSelector: { case: "read", value: {} } },
        { timestamp: { seconds: 3n }, eventSelector: { case: "write", value: {} } },
      ],
    });
    assert.deepEqual(failingPaths(TraceSchema, toBinary(TraceSchema, trace)), ["events[1]", "events[2]"]);
    // Events out of order break a relation of the trace itself: the whole trace is the failing message.
    const reordered = clone(TraceSchema, trace);
    reordered.events = [trace.events[3]!, trace.events[0]!];
    assert.deepEqual(failingPaths(TraceSchema, toBinary(TraceSchema, reordered)), [""]);
  });

  test("an event that fails its own rules feeds the trace relations as it decodes (nanos normalized)", () => {
    const at = (seconds: bigint, nanos = 0) => ({ timestamp: { seconds, nanos } });
    const read = { eventSelector: { case: "read" as const, value: {} } };
    const write = (endStream: boolean) => ({ eventSelector: { case: "write" as const, value: { endStream } } });
    // events[1] fails (no selector, or nanos out of range) and holds the relation's fate: 4 s, or 4 s + 2 s of nanos.
    const cases: [object[], string[]][] = [
      [[{ ...at(5n), ...read }, at(4n), { ...at(6n), ...read }], [""]],
      [[{ ...at(3n), ...read }, at(4n), { ...at(6n), ...read }], ["events[1]"]],
      [[{ ...at(5n), ...read }, { ...at(4n, 2e9), ...read }, { ...at(5n, 5e8), ...read }], [""]],
      [[{ ...at(5n), ...read }, { ...at(4n, 2e9), ...read }, { ...at(7n), ...read }], ["events[1]"]],
      [[{ ...at(1n), ...write(true) }, { ...at(2n, -1), ...write(false) }], [""]],
      [[{ ...at(1n), ...write(false) }, { ...at(2n, -1), ...write(true) }, { ...at(3n), ...read }], ["events[1]"]],
    ];
    for (const [events, failing] of cases) {
      const bytes = toBinary(TraceSchema, create(TraceSchema, { events }));
      assert.deepEqual(failingPaths(TraceSchema, bytes), failing);
      assertSameFindings(TraceSchema, bytes);
    }
  });

  test("orders findings as the validator meets the fields, not as the wire holds them", () => {
    // events before connection on the wire; the broken connection (mode 512) is reported first, as in the whole message.
    const events = toBinary(TraceSchema, create(TraceSchema, { events: [create(EventSchema), { eventSelector: { case: "read", value: {} } }, create(EventSchema)] }));
    const connection = toBinary(TraceSchema, create(TraceSchema, { connection: create(ConnectionSchema, { localAddress: { address: { case: "pipe", value: { path: "/p", mode: 512 } } } }) }));
    const bytes = concat(events, connection);
    assert.deepEqual(failingPaths(TraceSchema, bytes), ["events[0]", "events[2]", "connection.local_address.pipe"]);
    assert.deepEqual(
      validateBinary(TraceSchema, bytes).violations.map((v) => `${v.path} ${v.ruleId} @${JSON.stringify(v.position)}`),
      ['connection.local_address.pipe.mode uint32.lte @{"offset":18}', 'events[0].event_selector oneof.required @{"offset":0}', 'events[2].event_selector oneof.required @{"offset":6}'],
    );
    assertSameFindings(TraceSchema, bytes);
    assertSameFindings(TraceSchema, bytes, { failFast: true });
  });

  test("reports what validating the whole message reports, for random messages with up to three broken rules", () => {
    for (const c of validCases.filter((c) => c.breaks.length > 0)) {
      const broken = fc.tuple(c.valid, fc.array(fc.nat(c.breaks.length - 1), { minLength: 1, maxLength: 3 }), fc.boolean());
      fc.assert(
        fc.property(broken, ([message, picks, failFast]) => {
          const copy = clone(c.schema, message);
          try {
            for (const pick of picks) c.breaks[pick]!.apply(copy);
          } catch {
            fc.pre(false); // a break that needs what an earlier one removed (the node)
          }
          assertSameFindings(c.schema, toBinary(c.schema, copy), { failFast });
        }),
        { numRuns: 40 },
      );
    }
  });

  test("reports what validating the whole message reports, for mutated encodings of every seed", () => {
    const edit = fc.tuple(fc.nat(BINARY_EDIT_KINDS - 1), fc.nat(), fc.nat(), fc.nat());
    fc.assert(
      fc.property(fc.nat(binarySeeds.length - 1), fc.array(edit, { minLength: 1, maxLength: 3 }), fc.boolean(), (seed, edits, failFast) => {
        const { typeName, bytes } = applyBinaryEdits(seed, edits);
        assertSameFindings(registry.getMessage(typeName)!, bytes, { failFast });
      }),
      { numRuns: 1500 },
    );
  });

  test("decodes the whole message only when it is read", () => {
    const request = create(StreamReverseTunnelsRequestSchema, {
      node: { id: "n" },
      addedTunnels: [{ name: "t", identity: { tenantId: "", clusterId: "c", nodeId: "n" }, createdAt: { seconds: 1n } }],
    });
    const bytes = toBinary(StreamReverseTunnelsRequestSchema, request);
    assert.deepEqual(failingPaths(StreamReverseTunnelsRequestSchema, bytes), ["added_tunnels[0].identity"]);
    const result = validateBinary(StreamReverseTunnelsRequestSchema, bytes);
    assert.equal(typeof Object.getOwnPropertyDescriptor(result, "message")?.get, "function");
    assert.ok(equals(StreamReverseTunnelsRequestSchema, result.message!, request));
  });
});

import { fromBinary, ScalarType, type DescMessage } from "@bufbuild/protobuf";
import type { PathSegment } from "../fault/path.js";
import { WireRule } from "../fault/rule-ids.js";
import type { Violation } from "../fault/violation.js";
import { WIRE_TYPE_NAMES, WireCursor, WireFault } from "./cursor.js";
import type { FieldPlan, MessagePlan, RelationCheck } from "./plan.js";
import { isFiniteDouble, isPrintableTime } from "./printable.js";
import { STOP } from "./stop.js";
import { stringLengthsHold } from "./string-lengths.js";
import { decodeString, readScalar, withLeadingByteOrderMarks } from "./read-scalar.js";
import type { WalkOptions } from "./walk.js";
import { walkPackedAny } from "./walk-any.js";
import { duplicate, oneofMultiple, popField, pushField, record, unknownField } from "./walk-findings.js";
import { walkMapEntry } from "./walk-map-entry.js";

/**
 * The state of one walk (see `walk`) and its reading of messages and
 * values. Map entries, `Any` payloads and the findings of a report are
 * handled in their own files, with this walker.
 */
export class Walker {
  readonly violations: Violation[] = [];
  readonly warnings: Violation[] = [];
  readonly path: PathSegment[] = [];
  readonly cursor: WireCursor;
  /** Whether the walk checks rules (a verdict walk; off while a failing message is walked again for the wire alone). */
  verdict: boolean;
  readonly track: boolean;
  readonly depthLimit: number;
  /** Inside a `google.protobuf.Struct` field that protobuf-es holds as a JSON object. */
  json = false;
  /** How many `Any` payloads the walk is inside. */
  anyDepth = 0;
  /** The relation check of the message (at `checkDepth`) whose elements the verdict walk reads; the last time it read, as an input. */
  private check: RelationCheck | undefined = undefined;
  private checkDepth = 0;
  private seconds = 0;
  private nanos = 0;

  constructor(
    readonly bytes: Uint8Array,
    readonly options: WalkOptions,
  ) {
    this.cursor = new WireCursor(bytes);
    this.verdict = options.mode === "verdict" || options.failing !== undefined;
    this.track = options.mode === "report";
    this.depthLimit = options.depthLimit ?? 100;
  }

  /** Walks fields until `end`, or until the end-group tag of `groupNumber` (when not -1). */
  message(plan: MessagePlan, end: number, depth: number, groupNumber: number): void {
    const cursor = this.cursor;
    if (depth > this.depthLimit) throw new WireFault(WireRule.depthLimit, `message nesting exceeds the decoder's limit of ${this.depthLimit}`, cursor.pos);
    if (this.verdict && plan.time !== 0) return this.timeVerdict(plan, end, depth, groupNumber);
    const bytes = this.bytes;
    const start = cursor.pos;
    const dense = plan.dense;
    let seen = 0;
    let seenHigh: Set<number> | undefined;
    let oneofReported = 0;
    let counts: Map<number, number> | undefined;
    let unknownReported: Set<number> | undefined;
    let closed = groupNumber === -1;
    const outerCheck = this.check;
    const check = this.verdict ? plan.relation?.check() : undefined;
    if (check !== undefined) [this.check, this.checkDepth] = [check, depth];
    while (cursor.pos < end) {
      const tagOffset = cursor.pos;
      let tag = bytes[tagOffset]!;
      if (tag < 0x80) cursor.pos++;
      else tag = cursor.tag(end);
      const number = tag >>> 3;
      const wireType = tag & 7;
      if (wireType === 4) {
        if (number === groupNumber) {
          closed = true;
          break;
        }
        throw new WireFault(WireRule.invalidGroup, `end-group tag for field ${number} without a matching start-group`, tagOffset);
      }
      if (wireType > 5) throw new WireFault(WireRule.invalidWireType, `invalid wire type ${wireType} for field ${number}`, tagOffset);
      if (number === 0) throw new WireFault(WireRule.invalidTag, "field number 0 is not allowed", tagOffset);
      const field = number < dense.length ? dense[number] : plan.sparse.get(number);
      if (field === undefined) {
        if (this.json) throw new WireFault(WireRule.structUnrepresentable, `unknown field ${number} inside a google.protobuf.Struct field, which is held as a JSON object`, tagOffset);
        // Skipped first: a malformed value is the fault to report, not that its field is unknown.
        cursor.skip(wireType, number, end, this.depthLimit - depth, tagOffset);
        if (!this.verdict && !this.track) continue;
        unknownReported ??= new Set();
        if (!unknownReported.has(number)) {
          unknownReported.add(number);
          unknownField(this, plan, number, wireType, tagOffset);
        }
        continue;
      }
      if (this.track || (field.list && field.rules?.count !== undefined)) counts = pushField(this, field, counts);
      if (wireType !== field.wireType && !(wireType === 2 && field.packedElementSize >= 0)) {
        throw new WireFault(
          WireRule.wireTypeMismatch,
          `field ${field.name} (${field.typeLabel}) has wire type ${WIRE_TYPE_NAMES[wireType]}; expected ${WIRE_TYPE_NAMES[field.wireType]}`,
          tagOffset,
        );
      }
      const slot = field.slot;
      if (slot >= 0) {
        let again: boolean;
        if (slot < 31) {
          const bit = 1 << slot;
          again = (seen & bit) !== 0;
          if (!again && (seen & field.oneofSiblings) !== 0 && (oneofReported & (1 << field.oneofIndex)) === 0) {
            oneofReported |= 1 << field.oneofIndex;
            oneofMultiple(this, plan, field, tagOffset);
          }
          seen |= bit;
        } else {
          seenHigh ??= new Set();
          again = seenHigh.has(slot);
          seenHigh.add(slot);
        }
        if (again) duplicate(this, field, tagOffset);
      }
      if (this.track) record(this, tagOffset);
      // Value.number_value: JSON has no NaN or infinity (value.valid).
      if (this.verdict && plan.isValue && number === 2 && wireType === 1 && cursor.pos + 8 <= end && !isFiniteDouble(bytes, cursor.pos)) throw STOP;
      this.value(field, wireType, end, depth, tagOffset, counts);
      if (check !== undefined && number === plan.relation!.list && !check.next()) throw STOP;
      if (this.track) popField(this, field);
    }
    this.check = outerCheck;
    if (!closed) throw new WireFault(WireRule.invalidGroup, `group of field ${groupNumber} is not terminated`, end);
    if (!plan.checksAtEnd) return;
    // Value's members are all in its oneof `kind`: nothing seen is no kind, which a JSON object cannot hold.
    if (this.json && plan.isValue && seen === 0) {
      throw new WireFault(WireRule.structUnrepresentable, "a google.protobuf.Value with no kind inside a google.protobuf.Struct field, which is held as a JSON object", start);
    }
    // What no JSON printer can show is invalid to the validator (value.valid, timestamp.valid, duration.valid).
    if (this.verdict && plan.isValue && seen === 0) throw STOP;
    if (plan.isAny && this.options.registry !== undefined && groupNumber === -1) walkPackedAny(this, start, end, depth);
    if (this.verdict && plan.rules !== undefined) this.checkRules(plan, seen, counts);
  }

  /**
   * The verdict on a Timestamp or Duration (one per event of a trace), in
   * one pass: seconds and nanos as varints, each at most once, and a value
   * JSON can print (`timestamp.valid`, `duration.valid`). An unknown field is
   * skipped inside an Any's payload, where the full path skips it too; any
   * other shape (a field twice, a wrong wire type, rules of its own, an
   * unknown field the full path would warn about) is left to the full path.
   */
  private timeVerdict(plan: MessagePlan, end: number, depth: number, groupNumber: number): void {
    if (plan.rules !== undefined || groupNumber !== -1) throw STOP;
    const cursor = this.cursor;
    const bytes = this.bytes;
    let seconds = 0;
    let nanos = 0;
    let seen = 0;
    while (cursor.pos < end) {
      const tagOffset = cursor.pos;
      // The usual tags, 0x08 (seconds) and 0x10 (nanos), without the tag reader.
      const first = bytes[tagOffset]!;
      const tag = first === 0x08 || first === 0x10 ? (cursor.pos++, first) : cursor.checkedTag(end);
      const number = tag >>> 3;
      const wireType = tag & 7;
      if (number !== 1 && number !== 2) {
        if (this.anyDepth === 0 || wireType === 4) throw STOP;
        cursor.skip(wireType, number, end, this.depthLimit - depth, tagOffset);
        continue;
      }
      if (wireType !== 0 || (seen & number) !== 0) throw STOP;
      seen |= number;
      cursor.varint64(end);
      // Seconds as a signed 64-bit number, exact within the printable range.
      if (number === 1) seconds = (cursor.hi | 0) * 2 ** 32 + cursor.lo;
      else nanos = cursor.lo | 0;
    }
    if (!isPrintableTime(seconds, nanos, plan.time === 1)) throw STOP;
    this.seconds = seconds;
    this.nanos = nanos;
  }

  /**
   * Walks a message value in a walk that records failing messages (see
   * `WalkOptions.failing`): when a rule of the message is not certainly kept,
   * or a fault stops the verdict, the message is recorded (what its first
   * walk recorded inside it is dropped) and walked again for the wire alone.
   * A relation it fed takes the message's inputs from its decoded value (an
   * element's) or knows them no more.
   */
  triage(plan: MessagePlan, end: number, depth: number, tagOffset: number): void {
    const { cursor, path, violations, warnings } = this;
    const failing = this.options.failing!;
    const start = cursor.pos;
    const marks = [failing.length, violations.length, warnings.length, path.length] as const;
    const check = this.check;
    try {
      this.message(plan, end, depth, -1);
    } catch (error) {
      // A fault of the walk again for the wire alone (verdict off) is the walk's last word.
      if (!this.verdict || (error !== STOP && !(error instanceof WireFault))) throw error;
      [failing.length, violations.length, warnings.length, path.length] = marks;
      failing.push({ plan, path: [...path], start, end, tagOffset });
      cursor.pos = start;
      this.json = false;
      this.anyDepth = 0;
      this.verdict = false;
      this.check = undefined;
      this.message(plan, end, depth, -1);
      this.verdict = true;
      this.check = check;
      if (check !== undefined && plan.feeds) check.replace(depth === this.checkDepth + 1 ? this.decodeMessage(plan.schema, start, end) : undefined);
    }
  }

  /** The rules of a message read from the wire: presence, oneofs, list counts (relations are checked as their elements are read). */
  private checkRules(plan: MessagePlan, seen: number, counts: Map<number, number> | undefined): void {
    if (plan.undecidable || (seen & plan.requiredSlots) !== plan.requiredSlots) throw STOP;
    for (const mask of plan.requiredOneofs) if ((seen & mask) === 0) throw STOP;
    for (const list of plan.countedLists) if (!list.rules!.count!(counts?.get(list.number) ?? 0)) throw STOP;
  }

  /** Walks one value of a known field whose wire type was checked. */
  private value(field: FieldPlan, wireType: number, end: number, depth: number, tagOffset: number, counts: Map<number, number> | undefined): void {
    const cursor = this.cursor;
    const valueRule = this.verdict ? field.rules?.value : undefined;
    if (wireType === 3) {
      if (valueRule !== undefined) throw STOP;
      this.message(field.child!, end, depth + 1, field.number);
      return;
    }
    if (wireType !== 2) {
      if (this.json && field.number === 1 && field.scalar === ScalarType.INT32 && field.child === undefined && !field.list) {
        // Value.null_value: a JSON null holds no number but NULL_VALUE (0).
        const at = cursor.pos;
        if (readScalar(cursor, field.scalar, end) !== 0) throw new WireFault(WireRule.structUnrepresentable, "null_value other than NULL_VALUE inside a google.protobuf.Struct field", at);
      } else if (valueRule?.test !== undefined) {
        if (!valueRule.test(readScalar(cursor, field.scalar, end), this.options.context)) throw STOP;
      } else if (wireType === 0 && this.check !== undefined && (field.rules?.input ?? -1) >= 0) {
        cursor.varint64(end);
        this.check.feed(field.rules!.input, cursor.lo, cursor.hi);
      } else if (wireType === 0) cursor.skipVarint(end);
      else cursor.fixed(wireType === 1 ? 8 : 4, end);
      return;
    }
    const valueEnd = cursor.lengthEnd(end);
    const valueStart = cursor.pos;
    if (field.map !== undefined) {
      walkMapEntry(this, field, valueEnd, depth, tagOffset);
    } else if (field.child !== undefined) {
      const json = this.json;
      this.json ||= field.holdsJson;
      // A google.protobuf type (a wrapper, Struct) may be held otherwise than as a message: it fails with its parent.
      if (this.options.failing !== undefined && this.verdict && this.anyDepth === 0 && !field.child.schema.typeName.startsWith("google.protobuf.")) {
        this.triage(field.child, valueEnd, depth + 1, tagOffset);
      } else this.message(field.child, valueEnd, depth + 1, -1);
      this.json = json;
      if (valueRule?.test !== undefined) {
        const decoded = this.decodeMessage(field.child.schema, valueStart, valueEnd);
        if (decoded === undefined || !valueRule.test(decoded, this.options.context)) throw STOP;
      }
      if (this.check !== undefined && (field.rules?.input ?? -1) >= 0) this.check.feed(field.rules!.input, this.seconds, this.nanos);
    } else if (field.packedElementSize >= 0) {
      this.packed(field, valueEnd, counts);
    } else if (field.scalar === ScalarType.STRING) {
      if (field.utf8) this.cursor.checkUtf8(valueStart, valueEnd);
      if (valueRule?.lengths !== undefined) {
        if (!stringLengthsHold(this.bytes, valueStart, valueEnd, valueRule.lengths)) throw STOP;
      } else if (valueRule?.test !== undefined && !valueRule.test(decodeString(this.bytes, valueStart, valueEnd), this.options.context)) throw STOP;
    } else if (valueRule?.test !== undefined && !valueRule.test(this.bytes.slice(valueStart, valueEnd), this.options.context)) throw STOP;
    cursor.pos = valueEnd;
  }

  /** A message value as protobuf-es decodes it, for a rule's test or a relation; undefined when protobuf-es refuses it. */
  private decodeMessage(schema: DescMessage, start: number, end: number): object | undefined {
    try {
      return withLeadingByteOrderMarks(() => fromBinary(schema, this.bytes.subarray(start, end)));
    } catch {
      return undefined;
    }
  }

  /** A packed run of numbers; in a ruled walk each element is tested and counted. */
  private packed(field: FieldPlan, end: number, counts: Map<number, number> | undefined): void {
    const cursor = this.cursor;
    const size = field.packedElementSize;
    const test = this.verdict ? field.rules?.value?.test : undefined;
    let n = 0;
    if (size !== 0 && test === undefined) {
      if ((end - cursor.pos) % size !== 0) throw new WireFault(WireRule.invalidLength, `packed field length is not a multiple of ${size} bytes`, cursor.pos);
      n = (end - cursor.pos) / size;
    } else {
      for (; cursor.pos < end; n++) {
        if (test !== undefined) {
          if (!test(readScalar(cursor, field.scalar, end), this.options.context)) throw STOP;
        } else cursor.skipVarint(end);
      }
    }
    // The element already counted for the tag stands for the first of the run.
    if (counts !== undefined) counts.set(field.number, counts.get(field.number)! + n - 1);
  }
}

import { fromBinary, ScalarType, type DescMessage, type Registry } from "@bufbuild/protobuf";
import { formatPath, type PathSegment } from "../fault/path.js";
import { OneofRule, WireRule } from "../fault/rule-ids.js";
import type { Violation } from "../fault/violation.js";
import { WIRE_TYPE_NAMES, WireCursor, WireFault } from "./cursor.js";
import { messagePlan, type FieldPlan, type MessagePlan, type StringLengths } from "./plan.js";
import { isPrototypeKey, mapKeyOf } from "./map-key.js";
import { isFiniteDouble, isPrintableTime, isPrintableTimeValue } from "./printable.js";
import { stringLengthsHold } from "./string-lengths.js";
import { decodeString, readScalar, withLeadingByteOrderMarks } from "./read-scalar.js";

/**
 * How a walk runs:
 *
 * - `verdict`: stops at the first finding of any kind (a fault, two members
 *   of a oneof, a field twice, a broken rule of a ruled plan, or anything
 *   the walk cannot decide); keeps no path.
 * - `report`: goes on past findings that leave the bytes readable, collects
 *   every one with its path and byte offset, and stops at the first fault
 *   that makes the rest unreadable.
 * - `locate`: stops at the first fault a decoder must refuse (a malformed
 *   value, a field protobuf-es would misread, a map key `__proto__`); keeps
 *   no path (walk again in `report` mode for it).
 */
export type WalkMode = "verdict" | "report" | "locate";

/** Options of {@link walk}. */
export interface WalkOptions {
  readonly mode: WalkMode;
  /** The decoder's nesting limit. By default, 100 (protobuf-es). */
  readonly depthLimit?: number;
  /** Messages packed in `google.protobuf.Any` of a type this registry knows are walked too. */
  readonly registry?: Registry | undefined;
  /** Passed to the value tests of a ruled plan (the validator's evaluation context). */
  readonly context?: unknown;
  /** In `report` mode: paths whose first byte offset to record into `offsets`. */
  readonly wanted?: ReadonlySet<string>;
  readonly offsets?: Map<string, number>;
}

/** What a `report` or `locate` walk found. */
export interface WalkReport {
  /** Faults and rule breaks (`oneof.multiple`, `wire.forbidden_key`), each with path and offset. */
  readonly violations: Violation[];
  /** `wire.duplicate_field`. */
  readonly warnings: Violation[];
  /** Whether the walk stopped at a fault (the first violation's cause is then the last violation). */
  readonly malformed: boolean;
}

/** How deep messages packed in `Any` are followed (each level is a message of its own). */
const MAX_ANY_DEPTH = 20;

class Stop {}
const STOP = new Stop();

/** Walks `bytes` as a message of `plan`'s type; returns `true`/`false` in `verdict` mode, findings otherwise. */
export function walk(bytes: Uint8Array, plan: MessagePlan, options: WalkOptions & { readonly mode: "verdict" }): boolean;
export function walk(bytes: Uint8Array, plan: MessagePlan, options: WalkOptions): WalkReport | boolean;
export function walk(bytes: Uint8Array, plan: MessagePlan, options: WalkOptions): WalkReport | boolean {
  const walker = new Walker(bytes, options);
  try {
    walker.message(plan, bytes.length, 1, -1);
  } catch (error) {
    if (options.mode === "verdict" && (error === STOP || error instanceof WireFault)) return false;
    if (!(error instanceof WireFault)) throw error;
    walker.violations.push({ path: formatPath(walker.path), ruleId: error.ruleId, message: error.message, position: { offset: error.offset } });
    return { violations: walker.violations, warnings: walker.warnings, malformed: true };
  }
  return options.mode === "verdict" ? true : { violations: walker.violations, warnings: walker.warnings, malformed: false };
}

class Walker {
  readonly violations: Violation[] = [];
  readonly warnings: Violation[] = [];
  readonly path: PathSegment[] = [];
  private readonly cursor: WireCursor;
  private readonly verdict: boolean;
  private readonly track: boolean;
  private readonly depthLimit: number;
  /** Inside a `google.protobuf.Struct` field that protobuf-es holds as a JSON object. */
  private json = false;
  /** How many `Any` payloads the walk is inside. */
  private anyDepth = 0;

  constructor(
    private readonly bytes: Uint8Array,
    private readonly options: WalkOptions,
  ) {
    this.cursor = new WireCursor(bytes);
    this.verdict = options.mode === "verdict";
    this.track = options.mode === "report";
    this.depthLimit = options.depthLimit ?? 100;
  }

  /** Walks fields until `end`, or until the end-group tag of `groupNumber` (when not -1). */
  message(plan: MessagePlan, end: number, depth: number, groupNumber: number): void {
    const cursor = this.cursor;
    if (depth > this.depthLimit) throw new WireFault(WireRule.depthLimit, `message nesting exceeds the decoder's limit of ${this.depthLimit}`, cursor.pos);
    if (this.verdict && plan.time !== 0 && plan.rules === undefined && groupNumber === -1 && this.plainTime(plan.time === 1, end)) return;
    const bytes = this.bytes;
    const start = cursor.pos;
    const dense = plan.dense;
    let seen = 0;
    let seenHigh: Set<number> | undefined;
    let oneofReported = 0;
    let counts: Map<number, number> | undefined;
    let unknownReported: Set<number> | undefined;
    let closed = groupNumber === -1;
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
          this.unknownField(plan, number, wireType, tagOffset);
        }
        continue;
      }
      if (this.track || (field.list && field.rules?.count !== undefined)) counts = this.pushField(field, counts);
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
            this.oneofMultiple(plan, field, tagOffset);
          }
          seen |= bit;
        } else {
          seenHigh ??= new Set();
          again = seenHigh.has(slot);
          seenHigh.add(slot);
        }
        if (again) this.duplicate(field, tagOffset);
      }
      if (this.track) this.record(tagOffset);
      // Value.number_value: JSON has no NaN or infinity (value.valid).
      if (this.verdict && plan.isValue && number === 2 && wireType === 1 && cursor.pos + 8 <= end && !isFiniteDouble(bytes, cursor.pos)) throw STOP;
      this.value(field, wireType, end, depth, tagOffset, counts);
      if (this.track) this.popField(field);
    }
    if (!closed) throw new WireFault(WireRule.invalidGroup, `group of field ${groupNumber} is not terminated`, end);
    if (!plan.checksAtEnd) return;
    // Value's members are all in its oneof `kind`: nothing seen is no kind, which a JSON object cannot hold.
    if (this.json && plan.isValue && seen === 0) {
      throw new WireFault(WireRule.structUnrepresentable, "a google.protobuf.Value with no kind inside a google.protobuf.Struct field, which is held as a JSON object", start);
    }
    // What no JSON printer can show is invalid to the validator (value.valid, timestamp.valid, duration.valid).
    if (this.verdict && ((plan.isValue && seen === 0) || (plan.time !== 0 && !isPrintableTime(bytes, start, cursor.pos, plan.time === 1)))) throw STOP;
    if (plan.isAny && this.options.registry !== undefined && groupNumber === -1) this.packedInAny(start, end, depth);
    if (this.verdict && plan.rules !== undefined) this.checkRules(plan, seen, counts, start, end);
  }

  /**
   * The verdict on a Timestamp or Duration in its usual shape (seconds and
   * nanos as varints, each at most once, nothing else), in one pass instead
   * of a general walk and a second read for the range: a trace has one per
   * event. Any other shape returns false, with the cursor back at the start,
   * for the general walk.
   */
  private plainTime(timestamp: boolean, end: number): boolean {
    const cursor = this.cursor;
    const bytes = this.bytes;
    const start = cursor.pos;
    let seconds = 0;
    let nanos = 0;
    let seen = 0;
    while (cursor.pos < end) {
      const tag = bytes[cursor.pos]!;
      const field = tag === 0x08 ? 1 : tag === 0x10 ? 2 : 0;
      if (field === 0 || (seen & field) !== 0) {
        cursor.pos = start;
        return false;
      }
      seen |= field;
      cursor.pos++;
      cursor.varint64(end);
      // Seconds as a signed 64-bit number, exact within the printable range.
      if (field === 1) seconds = (cursor.hi | 0) * 2 ** 32 + cursor.lo;
      else nanos = cursor.lo | 0;
    }
    if (!isPrintableTimeValue(seconds, nanos, timestamp)) throw STOP;
    return true;
  }

  /** The rules of a message read from the wire: presence, oneofs, list counts, relations. */
  private checkRules(plan: MessagePlan, seen: number, counts: Map<number, number> | undefined, start: number, end: number): void {
    if (plan.undecidable || (seen & plan.requiredSlots) !== plan.requiredSlots) throw STOP;
    for (const mask of plan.requiredOneofs) if ((seen & mask) === 0) throw STOP;
    for (const list of plan.countedLists) if (!list.rules!.count!(counts?.get(list.number) ?? 0)) throw STOP;
    for (const relation of plan.rules!.relations) if (!relation(this.bytes, start, end)) throw STOP;
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
      } else if (wireType === 0) cursor.skipVarint(end);
      else cursor.fixed(wireType === 1 ? 8 : 4, end);
      return;
    }
    const valueEnd = cursor.lengthEnd(end);
    const valueStart = cursor.pos;
    if (field.map !== undefined) {
      this.mapEntry(field, valueEnd, depth, tagOffset);
    } else if (field.child !== undefined) {
      const json = this.json;
      this.json ||= field.holdsJson;
      this.message(field.child, valueEnd, depth + 1, -1);
      this.json = json;
      if (valueRule?.test !== undefined) {
        if (!valueRule.test(this.decodeMessage(field.child.schema, valueStart, valueEnd), this.options.context)) throw STOP;
      }
    } else if (field.packedElementSize >= 0) {
      this.packed(field, valueEnd, counts);
    } else if (field.scalar === ScalarType.STRING) {
      if (field.utf8) this.cursor.checkUtf8(valueStart, valueEnd);
      if (valueRule !== undefined) this.checkString(valueRule.lengths, valueRule.test, valueStart, valueEnd);
    } else if (valueRule?.test !== undefined && !valueRule.test(this.bytes.slice(valueStart, valueEnd), this.options.context)) throw STOP;
    cursor.pos = valueEnd;
  }

  /** A message value as protobuf-es decodes it, for a rule's test; a value it refuses is undecided. */
  private decodeMessage(schema: DescMessage, start: number, end: number): unknown {
    try {
      return withLeadingByteOrderMarks(() => fromBinary(schema, this.bytes.subarray(start, end)));
    } catch {
      throw STOP;
    }
  }

  private checkString(lengths: StringLengths | undefined, test: ((value: unknown, context: unknown) => boolean) | undefined, start: number, end: number): void {
    if (lengths !== undefined) {
      if (!stringLengthsHold(this.bytes, start, end, lengths)) throw STOP;
    } else if (test !== undefined) {
      if (!test(decodeString(this.bytes, start, end), this.options.context)) throw STOP;
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

  /**
   * Walks a map entry: key 1 and value 2, each optional; any other field is
   * `wire.map_entry_field`. `fieldTagOffset` is where the map field's tag is.
   */
  private mapEntry(field: FieldPlan, end: number, depth: number, fieldTagOffset: number): void {
    const cursor = this.cursor;
    const map = field.map!;
    // Google's runtime counts a map entry as a level of nesting.
    if (depth + 1 > this.depthLimit) throw new WireFault(WireRule.depthLimit, `message nesting exceeds the decoder's limit of ${this.depthLimit}`, cursor.pos);
    if (this.track) this.path.push(mapKeyOf(this.bytes, cursor.pos, end, map.keyScalar));
    let keyStart = -1;
    let keyEnd = -1;
    let values = 0;
    while (cursor.pos < end) {
      const tagOffset = cursor.pos;
      const tag = cursor.checkedTag(end);
      const number = tag >>> 3;
      const wireType = tag & 7;
      const expected = number === 1 ? map.keyWireType : number === 2 ? map.valueWireType : -1;
      if (expected === -1) {
        // A stray end-group tag is a fault of its own (wire.invalid_group).
        if (wireType === 4) cursor.skip(wireType, number, end, 0, tagOffset);
        // Valid protobuf, but protobuf-es does not skip such a field: it reads
        // on as if a tag followed, and the entry decodes to garbage.
        throw new WireFault(
          WireRule.mapEntryField,
          `field ${number} in a map entry of ${field.name}: only the key (1) and the value (2) can be read there; the decoder would misread the entry`,
          tagOffset,
        );
      }
      if (wireType !== expected) {
        throw new WireFault(
          WireRule.wireTypeMismatch,
          `map ${number === 1 ? "key" : "value"} of ${field.name} has wire type ${WIRE_TYPE_NAMES[wireType]}; expected ${WIRE_TYPE_NAMES[expected]}`,
          tagOffset,
        );
      }
      if (wireType !== 2) {
        cursor.skip(wireType, number, end, 0, tagOffset);
        continue;
      }
      const valueEnd = cursor.lengthEnd(end);
      if (number === 2 && field.child !== undefined) {
        if (++values > 1) {
          throw new WireFault(
            WireRule.mapEntryRepeatedValue,
            `the message value of a map entry of ${field.name} is written twice; Google's runtime merges the two, protobuf-es keeps the last`,
            tagOffset,
          );
        }
        this.message(field.child, valueEnd, depth + 2, -1);
      } else if (number === 1 ? map.keyUtf8 : map.valueUtf8) this.cursor.checkUtf8(cursor.pos, valueEnd);
      if (number === 1) {
        keyStart = cursor.pos;
        keyEnd = valueEnd;
      }
      cursor.pos = valueEnd;
    }
    if (field.child !== undefined && values === 0) {
      if (this.json) throw new WireFault(WireRule.structUnrepresentable, `a map entry of ${field.name} without a value inside a google.protobuf.Struct field (a Value with no kind)`, fieldTagOffset);
      // An entry without a value holds an empty message, which the walk did not check.
      if (this.verdict && field.child.rules !== undefined) throw STOP;
    }
    if (map.keyScalar === ScalarType.STRING && keyStart >= 0 && isPrototypeKey(this.bytes, keyStart, keyEnd)) this.forbiddenKey(fieldTagOffset);
    if (this.track) this.path.pop();
  }

  /** Walks the message packed in the Any in `[start, end)` when the registry knows its type (the last type URL and value count). */
  private packedInAny(start: number, end: number, depth: number): void {
    const cursor = new WireCursor(this.bytes, start);
    let typeUrl = "";
    let valueStart = -1;
    let valueEnd = -1;
    while (cursor.pos < end) {
      const tag = cursor.checkedTag(end);
      if ((tag & 7) !== 2 || (tag >>> 3 !== 1 && tag >>> 3 !== 2)) {
        cursor.skip(tag & 7, tag >>> 3, end, this.depthLimit - depth, cursor.pos);
        continue;
      }
      const stop = cursor.lengthEnd(end);
      if (tag >>> 3 === 1) typeUrl = decodeString(this.bytes, cursor.pos, stop);
      else [valueStart, valueEnd] = [cursor.pos, stop];
      cursor.pos = stop;
    }
    const packed = this.options.registry!.getMessage(typeUrl.slice(typeUrl.lastIndexOf("/") + 1));
    if (packed === undefined || valueStart < 0) return;
    if (this.anyDepth >= MAX_ANY_DEPTH) {
      throw new WireFault(WireRule.anyPayload, `messages packed in google.protobuf.Any nest deeper than ${MAX_ANY_DEPTH} levels`, valueStart);
    }
    const saved = this.cursor.pos;
    const json = this.json;
    this.cursor.pos = valueStart;
    this.anyDepth++;
    this.json = false;
    try {
      this.message(messagePlan(packed), valueEnd, depth + 1, -1);
    } catch (error) {
      if (!(error instanceof WireFault) || error.ruleId === WireRule.anyPayload) throw error;
      throw new WireFault(WireRule.anyPayload, `the ${packed.typeName} packed in google.protobuf.Any does not decode faithfully (${error.ruleId}: ${error.message})`, error.offset);
    }
    this.anyDepth--;
    this.json = json;
    this.cursor.pos = saved;
  }

  private forbiddenKey(offset: number): void {
    if (!this.track) throw this.verdict ? STOP : new WireFault(WireRule.forbiddenKey, 'the map key "__proto__" is not accepted (it cannot be stored safely)', offset);
    this.violations.push({
      path: formatPath(this.path),
      ruleId: WireRule.forbiddenKey,
      message: 'the map key "__proto__" is not accepted (it cannot be stored safely)',
      position: { offset },
    });
  }

  private oneofMultiple(plan: MessagePlan, field: FieldPlan, offset: number): void {
    if (this.verdict) throw STOP;
    if (!this.track) return;
    const oneof = plan.oneofs[field.oneofIndex]!;
    this.path[this.path.length - 1] = oneof.name;
    this.violations.push({ path: formatPath(this.path), ruleId: OneofRule.multiple, message: `at most one of ${oneof.members.join(", ")} may be set`, position: { offset } });
    this.path[this.path.length - 1] = field.name;
  }

  /**
   * A field `plan`'s type does not declare (warning `wire.unknown_field`),
   * once per number and message, at the message's path: the decoder keeps it
   * for binary output, but JSON and text cannot hold it. Not reported inside
   * `Any` payloads, which are kept as bytes.
   */
  private unknownField(plan: MessagePlan, number: number, wireType: number, offset: number): void {
    if (this.anyDepth > 0) return;
    if (this.verdict) throw STOP;
    this.warnings.push({
      path: formatPath(this.path),
      ruleId: WireRule.unknownField,
      message: `unknown field ${number} (${WIRE_TYPE_NAMES[wireType]}) of ${plan.schema.typeName}`,
      params: { number },
      position: { offset },
    });
  }

  private duplicate(field: FieldPlan, offset: number): void {
    if (this.verdict) throw STOP;
    if (!this.track) return;
    const consequence = field.merges ? "the decoder merges the occurrences" : "the decoder keeps the last value";
    this.warnings.push({ path: formatPath(this.path), ruleId: WireRule.duplicateField, message: `singular field appears more than once; ${consequence}`, position: { offset } });
  }

  /** Counts the element of a list field; in `report` mode also pushes the path segments (name, and index for elements). */
  private pushField(field: FieldPlan, counts: Map<number, number> | undefined): Map<number, number> | undefined {
    if (this.track) this.path.push(field.name);
    if (field.list) {
      counts ??= new Map();
      const index = counts.get(field.number) ?? 0;
      counts.set(field.number, index + 1);
      if (this.track) this.path.push(index);
    }
    return counts;
  }

  private popField(field: FieldPlan): void {
    this.path.pop();
    if (field.list) this.path.pop();
  }

  private record(offset: number): void {
    const wanted = this.options.wanted;
    if (wanted === undefined) return;
    const path = formatPath(this.path);
    if (wanted.has(path) && !this.options.offsets!.has(path)) this.options.offsets!.set(path, offset);
  }
}

import { ScalarType } from "@bufbuild/protobuf";
import { WireType } from "@bufbuild/protobuf/wire";
import { formatPath, type PathSegment } from "./path.js";
import { oneofMessages } from "./rules/oneof.js";
import type { Violation } from "./violation.js";
import { isPrototypeKey } from "./is-prototype-key.js";
import { readMapKey } from "./wire-map-key.js";
import type { WireField, WirePlan } from "./wire-plan.js";

/**
 * A scan of the protobuf wire format against a message type, for what the
 * decoder forgives or cannot locate:
 *
 * - `oneof.multiple` (violation): two members of one oneof in one message;
 *   the decoder keeps the last.
 * - `wire.duplicate_field` (warning): a singular field more than once; the
 *   decoder keeps the last scalar and merges messages.
 * - `wire.unknown_field` (warning): a field number the type does not
 *   declare (a newer schema's field, or the wrong type), once per number and
 *   message, at the enclosing message's path with `params.number`. The
 *   decoder keeps it, and binary output writes it back, but JSON and text
 *   cannot hold it. Messages packed in a `google.protobuf.Any` are not
 *   scanned.
 * - `wire.forbidden_key` (violation): a string map key `__proto__`, which
 *   the decoder's plain-object maps cannot hold (see {@link isPrototypeKey}):
 *   the entry is lost or replaces the map's prototype, whatever the value type.
 * - malformed data (violation, and the scan stops): `wire.truncated` (the
 *   data ends inside a value), `wire.invalid_length` (a length or value runs
 *   past the end of its enclosing message, or does not fit in 32 bits),
 *   `wire.invalid_varint` (a varint longer than 10 bytes), `wire.invalid_tag`
 *   (field number 0 or a tag beyond 32 bits), `wire.invalid_wire_type` (wire
 *   type 6 or 7), `wire.wire_type_mismatch` (a known field with a wire type
 *   its type never uses; the decoder would misread it), `wire.invalid_group`
 *   (an unmatched start- or end-group tag), `wire.invalid_utf8` (a string
 *   field that is not UTF-8, checked only in `utf8` mode),
 *   `wire.map_entry_field` (a field other than key and value in a map
 *   entry, which protobuf-es misreads instead of skipping) and
 *   `wire.depth_limit` (nesting deeper than the decoder's limit).
 *
 * The fast mode keeps no paths and stops at the first finding, so that a
 * clean message costs one pass over its tags; callers then rescan with
 * `track` to get every finding with its path.
 */
export interface WireScanResult {
  readonly violations: Violation[];
  readonly warnings: Violation[];
  /** Whether the scan stopped at malformed data. */
  readonly malformed: boolean;
}

/** Options of {@link scanWire}. */
export interface WireScanOptions {
  /** Keep paths and collect every finding; otherwise stop at the first (and return {@link NEEDS_DETAIL}). */
  readonly track: boolean;
  /** Check that string fields which the decoder validates hold UTF-8. */
  readonly utf8: boolean;
  /** The decoder's nesting limit (protobuf-es: 100). */
  readonly depthLimit: number;
  /** Paths (in tracking mode) whose byte offset to record into `offsets`. */
  readonly wanted?: ReadonlySet<string>;
  readonly offsets?: Map<string, number>;
}

/** Returned by a fast scan that found something: rescan with `track: true` for the details. */
export const NEEDS_DETAIL = "needs-detail";

class WireFault {
  constructor(
    readonly ruleId: string,
    readonly message: string,
    readonly offset: number,
  ) {}
}

class StopScan {}
const STOP = new StopScan();

const strictUtf8 = new TextDecoder("utf-8", { fatal: true });
const WIRE_TYPE_NAMES = ["varint", "fixed64", "length-delimited", "start-group", "end-group", "fixed32"];

/** Scans `bytes` as a message of `plan`'s type. */
export function scanWire(bytes: Uint8Array, plan: WirePlan, options: WireScanOptions): WireScanResult | typeof NEEDS_DETAIL {
  const scanner = new Scanner(bytes, options);
  try {
    scanner.message(plan, bytes.length, 1, -1);
  } catch (error) {
    if (error === STOP) return NEEDS_DETAIL;
    if (!(error instanceof WireFault)) throw error;
    if (!options.track) return NEEDS_DETAIL;
    scanner.violations.push({ path: formatPath(scanner.path), ruleId: error.ruleId, message: error.message, position: { offset: error.offset } });
    return { violations: scanner.violations, warnings: scanner.warnings, malformed: true };
  }
  return { violations: scanner.violations, warnings: scanner.warnings, malformed: false };
}

class Scanner {
  pos = 0;
  readonly violations: Violation[] = [];
  readonly warnings: Violation[] = [];
  readonly path: PathSegment[] = [];
  private readonly track: boolean;
  private readonly utf8: boolean;
  private readonly depthLimit: number;
  private readonly wanted: ReadonlySet<string> | undefined;
  private readonly offsets: Map<string, number> | undefined;

  constructor(
    private readonly bytes: Uint8Array,
    options: WireScanOptions,
  ) {
    this.track = options.track;
    this.utf8 = options.utf8;
    this.depthLimit = options.depthLimit;
    this.wanted = options.wanted;
    this.offsets = options.offsets;
  }

  /** Scans fields until `end`, or until the end-group tag of `groupNumber` (when not -1). */
  message(plan: WirePlan, end: number, depth: number, groupNumber: number): void {
    if (depth > this.depthLimit) {
      throw new WireFault("wire.depth_limit", `message nesting exceeds the decoder's limit of ${this.depthLimit}`, this.pos);
    }
    const bytes = this.bytes;
    const dense = plan.dense;
    let seen = 0;
    let seenHigh: Set<number> | undefined;
    let oneofReported = 0;
    let counts: Map<number, number> | undefined;
    let unknownReported: Set<number> | undefined;
    while (this.pos < end) {
      const tagOffset = this.pos;
      let tag = bytes[tagOffset]!;
      if (tag < 0x80) this.pos = tagOffset + 1;
      else tag = this.varint32(end, "tag");
      if (tag < 0) throw new WireFault("wire.invalid_tag", "tag does not fit in 32 bits", tagOffset);
      const number = tag >>> 3;
      const wireType = tag & 7;
      if (wireType === WireType.EndGroup) {
        if (number === groupNumber) return;
        throw new WireFault("wire.invalid_group", `end-group tag for field ${number} without a matching start-group`, tagOffset);
      }
      if (wireType > 5) throw new WireFault("wire.invalid_wire_type", `invalid wire type ${wireType} for field ${number}`, tagOffset);
      if (number === 0) throw new WireFault("wire.invalid_tag", "field number 0 is not allowed", tagOffset);
      const field = number < dense.length ? dense[number] : plan.sparse.get(number);
      if (field === undefined) {
        // Skipped first: a malformed value is the fault to report, not that its field is unknown.
        this.skip(wireType, number, end, depth, tagOffset);
        unknownReported ??= new Set();
        if (!unknownReported.has(number)) {
          unknownReported.add(number);
          this.unknownField(plan, number, wireType, tagOffset);
        }
        continue;
      }
      if (wireType !== field.wireType && !(wireType === WireType.LengthDelimited && field.packedElementSize !== undefined)) {
        this.pushField(field, counts);
        throw new WireFault(
          "wire.wire_type_mismatch",
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
      if (this.track) {
        counts = this.pushField(field, counts);
        this.record(tagOffset);
      }
      this.value(field, wireType, end, depth, tagOffset);
      if (this.track) this.popField(field);
    }
    if (this.pos > end) throw new WireFault("wire.invalid_length", "a value runs past the end of its enclosing message", end);
    if (groupNumber !== -1) throw new WireFault("wire.invalid_group", `group of field ${groupNumber} is not terminated`, end);
  }

  /** Scans one value of a known field whose wire type was checked. */
  private value(field: WireField, wireType: number, end: number, depth: number, tagOffset: number): void {
    if (wireType === WireType.StartGroup) {
      this.message(field.child!, end, depth + 1, field.number);
      return;
    }
    if (wireType !== WireType.LengthDelimited) {
      this.skipFixedOrVarint(wireType, end);
      return;
    }
    const valueEnd = this.lengthEnd(end);
    if (field.map !== undefined) {
      this.mapEntry(field, valueEnd, depth, tagOffset);
    } else if (field.child !== undefined) {
      this.message(field.child, valueEnd, depth + 1, -1);
    } else if (field.packedElementSize !== undefined && field.wireType !== WireType.LengthDelimited) {
      this.packed(field.packedElementSize, valueEnd);
    } else if (this.utf8 && field.utf8) {
      this.checkUtf8(valueEnd);
    }
    this.pos = valueEnd;
  }

  /**
   * Scans a map entry: key 1 and value 2, each optional; any other field is
   * `wire.map_entry_field`. `fieldTagOffset` is where the map field's tag
   * is, the position of a forbidden key.
   */
  private mapEntry(field: WireField, end: number, depth: number, fieldTagOffset: number): void {
    const map = field.map!;
    if (this.track) this.path.push(readMapKey(this.bytes, this.pos, end, map.keyScalar));
    // The decoder keeps the last key of an entry.
    let keyStart = -1;
    let keyEnd = -1;
    while (this.pos < end) {
      const tagOffset = this.pos;
      const tag = this.varint32(end, "tag");
      const number = tag >>> 3;
      const wireType = tag & 7;
      if (tag < 0 || number === 0) throw new WireFault("wire.invalid_tag", "invalid tag in a map entry", tagOffset);
      if (wireType > 5) throw new WireFault("wire.invalid_wire_type", `invalid wire type ${wireType} for field ${number}`, tagOffset);
      const expected = number === 1 ? map.keyWireType : number === 2 ? map.valueWireType : -1;
      if (expected === -1) {
        // A stray end-group tag is a fault of its own (wire.invalid_group).
        if (wireType === WireType.EndGroup) this.skip(wireType, number, end, depth, tagOffset);
        // Valid protobuf, but protobuf-es does not skip such a field: it reads
        // on as if a tag followed, and the entry decodes to garbage.
        throw new WireFault(
          "wire.map_entry_field",
          `field ${number} in a map entry of ${field.name}: only the key (1) and the value (2) can be read there; the decoder would misread the entry`,
          tagOffset,
        );
      }
      if (wireType !== expected) {
        throw new WireFault(
          "wire.wire_type_mismatch",
          `map ${number === 1 ? "key" : "value"} of ${field.name} has wire type ${WIRE_TYPE_NAMES[wireType]}; expected ${WIRE_TYPE_NAMES[expected]}`,
          tagOffset,
        );
      }
      if (number === 2 && field.child !== undefined) {
        const valueEnd = this.lengthEnd(end);
        this.message(field.child, valueEnd, depth + 1, -1);
        this.pos = valueEnd;
      } else if (wireType === WireType.LengthDelimited) {
        const valueEnd = this.lengthEnd(end);
        if (this.utf8 && (number === 1 ? map.keyUtf8 : map.valueUtf8)) this.checkUtf8(valueEnd);
        if (number === 1) {
          keyStart = this.pos;
          keyEnd = valueEnd;
        }
        this.pos = valueEnd;
      } else {
        this.skip(wireType, number, end, depth, tagOffset);
      }
    }
    if (map.keyScalar === ScalarType.STRING && keyStart >= 0 && isPrototypeKey(this.bytes, keyStart, keyEnd)) this.forbiddenKey(fieldTagOffset);
    if (this.track) this.path.pop();
  }

  /** Reports the map key `__proto__` at the current path, which ends with that key. */
  private forbiddenKey(offset: number): void {
    if (!this.track) throw STOP;
    this.violations.push({
      path: formatPath(this.path),
      ruleId: "wire.forbidden_key",
      message: 'the map key "__proto__" is not accepted (it cannot be stored safely)',
      position: { offset },
    });
  }

  private oneofMultiple(plan: WirePlan, field: WireField, offset: number): void {
    if (!this.track) throw STOP;
    const oneof = plan.oneofs[field.oneofIndex]!;
    this.path.push(oneof.name);
    this.violations.push({ path: formatPath(this.path), ruleId: "oneof.multiple", message: oneofMessages.multiple(oneof.members), position: { offset } });
    this.path.pop();
  }

  /** Reports a field `plan`'s type does not declare, once per number and message, at the message's path. */
  private unknownField(plan: WirePlan, number: number, wireType: number, offset: number): void {
    if (!this.track) throw STOP;
    this.warnings.push({
      path: formatPath(this.path),
      ruleId: "wire.unknown_field",
      message: `unknown field ${number} (${WIRE_TYPE_NAMES[wireType]}) of ${plan.schema.typeName}`,
      params: { number },
      position: { offset },
    });
  }

  private duplicate(field: WireField, offset: number): void {
    if (!this.track) throw STOP;
    this.path.push(field.name);
    const consequence = field.merges ? "the decoder merges the occurrences" : "the decoder keeps the last value";
    this.warnings.push({
      path: formatPath(this.path),
      ruleId: "wire.duplicate_field",
      message: `singular field appears more than once; ${consequence}`,
      position: { offset },
    });
    this.path.pop();
  }

  /** Pushes the field's path segments (name, and index for list elements); returns the per-message element counts. */
  private pushField(field: WireField, counts: Map<number, number> | undefined): Map<number, number> | undefined {
    this.path.push(field.name);
    if (field.list) {
      counts ??= new Map();
      const index = counts.get(field.number) ?? 0;
      counts.set(field.number, index + 1);
      this.path.push(index);
    }
    return counts;
  }

  private popField(field: WireField): void {
    this.path.pop();
    if (field.list) this.path.pop();
  }

  private record(offset: number): void {
    if (this.wanted === undefined) return;
    const path = formatPath(this.path);
    if (this.wanted.has(path) && !this.offsets!.has(path)) this.offsets!.set(path, offset);
  }

  /** Skips the value of an unknown field, groups included. */
  private skip(wireType: number, number: number, end: number, depth: number, tagOffset: number): void {
    switch (wireType) {
      case WireType.Varint:
      case WireType.Bit64:
      case WireType.Bit32:
        this.skipFixedOrVarint(wireType, end);
        return;
      case WireType.EndGroup:
        // Only a map entry gets here (a message handles its own end-group
        // tags): protobuf-es ignores the stray tag there, protoc refuses it.
        throw new WireFault("wire.invalid_group", `end-group tag for field ${number} without a matching start-group`, tagOffset);
      case WireType.LengthDelimited:
        this.pos = this.lengthEnd(end);
        return;
      case WireType.StartGroup:
        if (depth + 1 > this.depthLimit) {
          throw new WireFault("wire.depth_limit", `group nesting exceeds the decoder's limit of ${this.depthLimit}`, tagOffset);
        }
        for (;;) {
          if (this.pos >= end) throw new WireFault("wire.invalid_group", `group of field ${number} is not terminated`, tagOffset);
          const innerOffset = this.pos;
          const tag = this.varint32(end, "tag");
          if (tag < 0 || tag >>> 3 === 0) throw new WireFault("wire.invalid_tag", "invalid tag inside a group", innerOffset);
          const innerWireType = tag & 7;
          if (innerWireType > 5) throw new WireFault("wire.invalid_wire_type", `invalid wire type ${innerWireType}`, innerOffset);
          if (innerWireType === WireType.EndGroup) {
            if (tag >>> 3 !== number) throw new WireFault("wire.invalid_group", `end-group tag for field ${tag >>> 3} inside group ${number}`, innerOffset);
            return;
          }
          this.skip(innerWireType, tag >>> 3, end, depth + 1, innerOffset);
        }
    }
  }

  /** Skips a value of wire type varint, fixed64 or fixed32. */
  private skipFixedOrVarint(wireType: number, end: number): void {
    if (wireType === WireType.Varint) this.skipVarint(end);
    else this.fixed(wireType === WireType.Bit64 ? 8 : 4, end);
  }

  /** Reads a varint of up to 10 bytes; returns its low 32 bits unsigned, or -1 when it does not fit in 32 bits. */
  private varint32(end: number, what: string): number {
    const bytes = this.bytes;
    const start = this.pos;
    let pos = start;
    let result = 0;
    let overflow = false;
    for (let i = 0; i < 10; i++) {
      if (pos >= end) throw this.pastEnd(start, end, `the data ends inside a ${what}`);
      const byte = bytes[pos++]!;
      if (i < 4) result |= (byte & 0x7f) << (7 * i);
      else if (i === 4) {
        result |= (byte & 0x0f) << 28;
        if ((byte & 0x70) !== 0) overflow = true;
      } else if ((byte & 0x7f) !== 0) overflow = true;
      if (byte < 0x80) {
        this.pos = pos;
        return overflow ? -1 : result >>> 0;
      }
    }
    throw new WireFault("wire.invalid_varint", `${what} varint is longer than 10 bytes`, start);
  }

  private skipVarint(end: number): void {
    const bytes = this.bytes;
    const start = this.pos;
    let pos = start;
    for (let i = 0; i < 10; i++) {
      if (pos >= end) throw this.pastEnd(start, end, "the data ends inside a varint");
      if (bytes[pos++]! < 0x80) {
        this.pos = pos;
        return;
      }
    }
    throw new WireFault("wire.invalid_varint", "varint is longer than 10 bytes", start);
  }

  private fixed(size: number, end: number): void {
    if (this.pos + size > end) throw this.pastEnd(this.pos, end, `the data ends inside a ${size * 8}-bit value`);
    this.pos += size;
  }

  /** Reads a length prefix and returns where the value ends, checked against `end`. */
  private lengthEnd(end: number): number {
    const start = this.pos;
    const length = this.varint32(end, "length prefix");
    if (length < 0) throw new WireFault("wire.invalid_length", "length does not fit in 32 bits", start);
    const valueEnd = this.pos + length;
    if (valueEnd > end) {
      const left = end - this.pos;
      throw valueEnd > this.bytes.length && end === this.bytes.length
        ? new WireFault("wire.truncated", `length-delimited value of ${length} bytes runs past the end of the data (${left} bytes left)`, start)
        : new WireFault("wire.invalid_length", `length-delimited value of ${length} bytes runs past the end of its enclosing message (${left} bytes left)`, start);
    }
    return valueEnd;
  }

  private packed(elementSize: 0 | 4 | 8, end: number): void {
    if (elementSize === 0) {
      while (this.pos < end) this.skipVarint(end);
    } else if ((end - this.pos) % elementSize !== 0) {
      throw new WireFault("wire.invalid_length", `packed field length is not a multiple of ${elementSize} bytes`, this.pos);
    }
  }

  private checkUtf8(end: number): void {
    try {
      strictUtf8.decode(this.bytes.subarray(this.pos, end));
    } catch {
      throw new WireFault("wire.invalid_utf8", "string field holds invalid UTF-8", this.pos);
    }
  }

  /** A fault for a value that runs past `end`: truncated data, or past the enclosing message. */
  private pastEnd(start: number, end: number, truncatedMessage: string): WireFault {
    return end === this.bytes.length
      ? new WireFault("wire.truncated", truncatedMessage, start)
      : new WireFault("wire.invalid_length", "a value runs past the end of its enclosing message", start);
  }
}

import { fromBinary, ScalarType, type DescMessage } from "@bufbuild/protobuf";
import { WireType } from "@bufbuild/protobuf/wire";
import { cleanPlan, type CleanField, type CleanPlan } from "./clean-plan.js";
import { EvalContext } from "./context.js";
import { readTag } from "./wire-tag.js";
import { isPrototypeKey } from "./is-prototype-key.js";

/** Options of {@link isCertainlyCleanBinary}. */
export interface CleanBinaryOptions {
  /** The deepest message nesting accepted. By default, 100, as in `validateBinary`. */
  readonly recursionLimit?: number;
}

/**
 * Whether `validateBinary(schema, bytes)` would certainly report no
 * violation and no warning, decided mostly on the wire: one pass over the
 * tags, without decoding the message as a whole. `false` means "not
 * certain": the message may still be clean, and only `validateBinary` says.
 *
 * The pass stops at the first sign of trouble: any wire fault
 * `validateBinary` reports, and anything its decoder would refuse (a tag
 * varint longer than 5 bytes, invalid UTF-8 in a string it checks), two
 * members of a oneof, a singular field twice, a field the type does not
 * declare (a warning), a string map key `__proto__` (which the decoder's
 * plain-object maps cannot hold). Rules are checked as their type's plan
 * allows (see `CleanPlan`): presence rules from which fields were seen, and
 * any other rule by decoding just the message that carries it and running
 * the planned validator on it. A singular message field appears at most
 * once in a clean scan and each list element decodes on its own, so that
 * message is what the whole decode would have held there.
 */
export function isCertainlyCleanBinary(schema: DescMessage, bytes: Uint8Array, options: CleanBinaryOptions = {}): boolean {
  const scanner = new CleanScanner(bytes, options.recursionLimit ?? 100);
  return scanner.message(cleanPlan(schema), bytes.length, 1);
}

const strictUtf8 = new TextDecoder("utf-8", { fatal: true });

/**
 * Every method returns false as soon as the message is not certainly clean;
 * `pos` is then meaningless.
 */
class CleanScanner {
  pos = 0;

  constructor(
    private readonly bytes: Uint8Array,
    private readonly depthLimit: number,
  ) {}

  /** Scans the fields from `pos` to `end` as a message of `plan`'s type, then checks its rules. */
  message(plan: CleanPlan, end: number, depth: number): boolean {
    if (depth > this.depthLimit) return false;
    const bytes = this.bytes;
    const start = this.pos;
    const dense = plan.dense;
    let seen = 0;
    let seenHigh: Set<number> | undefined;
    while (this.pos < end) {
      let tag = bytes[this.pos]!;
      if (tag < 0x80) this.pos++;
      else {
        tag = this.tag(end);
        if (tag < 0) return false;
      }
      const number = tag >>> 3;
      const wireType = tag & 7;
      if (number === 0 || wireType === WireType.EndGroup || wireType > 5) return false;
      const field = number < dense.length ? dense[number] : plan.sparse.get(number);
      // A field the type does not declare: validateBinary warns of it (wire.unknown_field).
      if (field === undefined) return false;
      if (wireType !== field.wireType && !(wireType === WireType.LengthDelimited && field.packedElementSize !== undefined)) return false;
      const slot = field.slot;
      if (slot >= 0) {
        if (slot < 31) {
          // Seen before (a duplicate), or a oneof sibling seen (oneof.multiple).
          if ((seen & ((1 << slot) | field.oneofSiblings)) !== 0) return false;
          seen |= 1 << slot;
        } else {
          seenHigh ??= new Set();
          if (seenHigh.has(slot)) return false;
          seenHigh.add(slot);
        }
      }
      if (wireType === WireType.LengthDelimited) {
        if (!this.lengthDelimited(field, end, depth)) return false;
      } else if (wireType === WireType.StartGroup) {
        // A group-encoded message field: proto3 never writes one; left to validateBinary.
        return false;
      } else if (!this.fixedOrVarint(wireType, end)) return false;
    }
    if ((seen & plan.requiredSlots) !== plan.requiredSlots) return false;
    const requiredOneofs = plan.requiredOneofs;
    for (let i = 0; i < requiredOneofs.length; i++) if ((seen & requiredOneofs[i]!) === 0) return false;
    return plan.validator === undefined || this.decodesValid(plan, start, end, depth);
  }

  /** Decodes `bytes[start, end)` alone and runs the type's planned validator on it. */
  private decodesValid(plan: CleanPlan, start: number, end: number, depth: number): boolean {
    let message;
    try {
      message = fromBinary(plan.schema, this.bytes.subarray(start, end), { readUnknownFields: false, recursionLimit: this.depthLimit - depth + 1 });
    } catch {
      return false;
    }
    const ctx = new EvalContext({ failFast: true });
    plan.validator!.evaluate(message, ctx);
    return ctx.violations.length === 0;
  }

  private lengthDelimited(field: CleanField, end: number, depth: number): boolean {
    const valueEnd = this.lengthEnd(end);
    if (valueEnd < 0) return false;
    if (field.map !== undefined) {
      if (!this.mapEntry(field, valueEnd, depth)) return false;
    } else if (field.child !== undefined) {
      if (!this.message(field.child, valueEnd, depth + 1)) return false;
    } else if (field.packedElementSize !== undefined && field.wireType !== WireType.LengthDelimited) {
      if (!this.packed(field.packedElementSize, valueEnd)) return false;
    } else if (field.utf8 && !this.isUtf8(this.pos, valueEnd)) return false;
    this.pos = valueEnd;
    return true;
  }

  /**
   * Scans a map entry. Only the key (1) and the value (2) are accepted: the
   * decoder does not skip other fields of an entry but reads on as if their
   * value were a tag, so what it makes of them is not certain.
   */
  private mapEntry(field: CleanField, end: number, depth: number): boolean {
    const map = field.map!;
    // The decoder keeps the last key of an entry.
    let keyStart = -1;
    let keyEnd = -1;
    while (this.pos < end) {
      const tag = this.tag(end);
      if (tag < 0) return false;
      const number = tag >>> 3;
      const wireType = tag & 7;
      if (number === 1) {
        if (wireType !== map.keyWireType) return false;
      } else if (number === 2) {
        if (wireType !== map.valueWireType) return false;
      } else return false;
      if (wireType !== WireType.LengthDelimited) {
        if (!this.fixedOrVarint(wireType, end)) return false;
        continue;
      }
      const valueEnd = this.lengthEnd(end);
      if (valueEnd < 0) return false;
      if (number === 2 && field.child !== undefined) {
        if (!this.message(field.child, valueEnd, depth + 1)) return false;
      } else if ((number === 1 ? map.keyUtf8 : map.valueUtf8) && !this.isUtf8(this.pos, valueEnd)) return false;
      if (number === 1) {
        keyStart = this.pos;
        keyEnd = valueEnd;
      }
      this.pos = valueEnd;
    }
    return !(map.keyScalar === ScalarType.STRING && keyStart >= 0 && isPrototypeKey(this.bytes, keyStart, keyEnd));
  }

  private fixedOrVarint(wireType: number, end: number): boolean {
    if (wireType === WireType.Varint) return this.skipVarint(end);
    const size = wireType === WireType.Bit64 ? 8 : 4;
    if (this.pos + size > end) return false;
    this.pos += size;
    return true;
  }

  /** A tag as the decoder reads it, unsigned, or -1 (see readTag). */
  private tag(end: number): number {
    return readTag(this.bytes, this, end);
  }

  private skipVarint(end: number): boolean {
    const bytes = this.bytes;
    const limit = Math.min(end, this.pos + 10);
    for (let pos = this.pos; pos < limit; pos++) {
      if (bytes[pos]! < 0x80) {
        this.pos = pos + 1;
        return true;
      }
    }
    return false;
  }

  /** Reads a length prefix (up to 10 bytes, fitting in 32 bits) and returns where the value ends, or -1 past `end`. */
  private lengthEnd(end: number): number {
    const bytes = this.bytes;
    let pos = this.pos;
    let length = 0;
    // The first four bytes hold 28 bits, which shifts keep exact; the fifth
    // adds the top 4 bits, and up to five more may only pad with zeros.
    for (let i = 0; ; i++) {
      if (i === 10 || pos >= end) return -1;
      const byte = bytes[pos++]!;
      if (i < 4) length |= (byte & 0x7f) << (7 * i);
      else if (i === 4) {
        if ((byte & 0x70) !== 0) return -1;
        length += (byte & 0x0f) * 0x10000000;
      } else if ((byte & 0x7f) !== 0) return -1;
      if (byte < 0x80) break;
    }
    const valueEnd = pos + length;
    if (valueEnd > end) return -1;
    this.pos = pos;
    return valueEnd;
  }

  private packed(elementSize: 0 | 4 | 8, end: number): boolean {
    if (elementSize !== 0) return (end - this.pos) % elementSize === 0;
    while (this.pos < end) if (!this.skipVarint(end)) return false;
    return true;
  }

  /** UTF-8 as the decoder checks it; ASCII, the usual content, without a decoder call. */
  private isUtf8(start: number, end: number): boolean {
    const bytes = this.bytes;
    let i = start;
    while (i < end && bytes[i]! < 0x80) i++;
    if (i === end) return true;
    try {
      strictUtf8.decode(bytes.subarray(i, end));
      return true;
    } catch {
      return false;
    }
  }
}

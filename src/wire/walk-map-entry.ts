import { ScalarType } from "@bufbuild/protobuf";
import { WireRule } from "../fault/rule-ids.js";
import { WIRE_TYPE_NAMES, WireFault } from "./cursor.js";
import { isPrototypeKey, mapKeyOf } from "./map-key.js";
import type { FieldPlan } from "./plan.js";
import { forbiddenKey } from "./walk-findings.js";
import { STOP } from "./stop.js";
import type { Walker } from "./walker.js";

/**
 * Walks a map entry: key 1 and value 2, each optional; any other field is
 * `wire.map_entry_field`. `fieldTagOffset` is where the map field's tag is.
 */
export function walkMapEntry(walker: Walker, field: FieldPlan, end: number, depth: number, fieldTagOffset: number): void {
  const cursor = walker.cursor;
  const map = field.map!;
  // Google's runtime counts a map entry as a level of nesting.
  if (depth + 1 > walker.depthLimit) throw new WireFault(WireRule.depthLimit, `message nesting exceeds the decoder's limit of ${walker.depthLimit}`, cursor.pos);
  if (walker.track) walker.path.push(mapKeyOf(walker.bytes, cursor.pos, end, map.keyScalar));
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
      walker.message(field.child, valueEnd, depth + 2, -1);
    } else if (number === 1 ? map.keyUtf8 : map.valueUtf8) walker.cursor.checkUtf8(cursor.pos, valueEnd);
    if (number === 1) {
      keyStart = cursor.pos;
      keyEnd = valueEnd;
    }
    cursor.pos = valueEnd;
  }
  if (field.child !== undefined && values === 0) {
    if (walker.json) throw new WireFault(WireRule.structUnrepresentable, `a map entry of ${field.name} without a value inside a google.protobuf.Struct field (a Value with no kind)`, fieldTagOffset);
    // An entry without a value holds an empty message, which the walk did not check (an empty Value has no kind).
    if (walker.verdict && (field.child.rules !== undefined || field.child.isValue)) throw STOP;
  }
  if (map.keyScalar === ScalarType.STRING && keyStart >= 0 && isPrototypeKey(walker.bytes, keyStart, keyEnd)) forbiddenKey(walker, fieldTagOffset);
  if (walker.track) walker.path.pop();
}

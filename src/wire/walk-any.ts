import { WireRule } from "../fault/rule-ids.js";
import { WireCursor, WireFault } from "./cursor.js";
import { messagePlan } from "./plan.js";
import { decodeString } from "./read-scalar.js";
import type { Walker } from "./walker.js";

/** How deep messages packed in `Any` are followed (each level is a message of its own). */
const MAX_ANY_DEPTH = 20;

/** Walks the message packed in the Any in `[start, end)` when the registry knows its type (the last type URL and value count). */
export function walkPackedAny(walker: Walker, start: number, end: number, depth: number): void {
  const cursor = new WireCursor(walker.bytes, start);
  let typeUrl = "";
  // Without a value, the Any holds an empty message of its type (for a Value, one with no kind).
  let valueStart = end;
  let valueEnd = end;
  while (cursor.pos < end) {
    const tag = cursor.checkedTag(end);
    if ((tag & 7) !== 2 || (tag >>> 3 !== 1 && tag >>> 3 !== 2)) {
      cursor.skip(tag & 7, tag >>> 3, end, walker.depthLimit - depth, cursor.pos);
      continue;
    }
    const stop = cursor.lengthEnd(end);
    if (tag >>> 3 === 1) typeUrl = decodeString(walker.bytes, cursor.pos, stop);
    else [valueStart, valueEnd] = [cursor.pos, stop];
    cursor.pos = stop;
  }
  const packed = walker.options.registry!.getMessage(typeUrl.slice(typeUrl.lastIndexOf("/") + 1));
  if (packed === undefined) return;
  if (walker.anyDepth >= MAX_ANY_DEPTH) {
    throw new WireFault(WireRule.anyPayload, `messages packed in google.protobuf.Any nest deeper than ${MAX_ANY_DEPTH} levels`, valueStart);
  }
  const saved = walker.cursor.pos;
  const json = walker.json;
  walker.cursor.pos = valueStart;
  walker.anyDepth++;
  walker.json = false;
  try {
    walker.message(messagePlan(packed), valueEnd, depth + 1, -1);
  } catch (error) {
    if (!(error instanceof WireFault) || error.ruleId === WireRule.anyPayload) throw error;
    throw new WireFault(WireRule.anyPayload, `the ${packed.typeName} packed in google.protobuf.Any does not decode faithfully (${error.ruleId}: ${error.message})`, error.offset);
  }
  walker.anyDepth--;
  walker.json = json;
  walker.cursor.pos = saved;
}

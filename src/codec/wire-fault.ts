import { ScalarType, type DescField, type DescMessage } from "@bufbuild/protobuf";
import { findInvalidUtf8 } from "./utf8.js";
import { readVarintPrefix } from "./varint-prefix.js";

/** The first structural fault of a binary message: where it is and what it is. */
export interface WireFault {
  /** Offset of the faulty field's tag, relative to the message's first byte. */
  readonly offset: number;
  readonly reason: string;
  /** The proto field path of the faulty field (`events[2].read.data`), when the schema names it. */
  readonly path: string;
}

/** protobuf-es' default limit on nested messages, mirrored so a walk of hostile input stays shallow. */
const MAX_DEPTH = 100;

/**
 * Walks a binary message that `fromBinary` refused, guided by its schema,
 * to say where and why: protobuf-es throws `RangeError: premature EOF` or
 * `illegal tag` without an offset. Only runs on the error path.
 * Returns undefined when the walk finds nothing (the caller then reports
 * protobuf-es' own reason at the message's start).
 */
export function locateWireFault(schema: DescMessage, bytes: Uint8Array): WireFault | undefined {
  return walkMessage(schema, bytes, 0, bytes.length, "", 0);
}

function walkMessage(schema: DescMessage | undefined, bytes: Uint8Array, start: number, end: number, path: string, depth: number): WireFault | undefined {
  if (depth > MAX_DEPTH) return { offset: start, reason: `messages nest deeper than ${MAX_DEPTH} levels`, path };
  const view = bytes.subarray(0, end);
  const repeatCounts = new Map<number, number>();
  let offset = start;
  while (offset < end) {
    const tagStart = offset;
    const tag = readVarintPrefix(view, offset);
    if (tag.kind !== "complete") {
      return { offset: tagStart, reason: tag.kind === "incomplete" ? "unexpected end of input in a field tag" : "invalid varint in a field tag", path };
    }
    const fieldNumber = Math.floor(tag.value / 8);
    const wireType = tag.value % 8;
    if (fieldNumber === 0) return { offset: tagStart, reason: "invalid field number 0", path };
    const field = schema?.fields.find((f) => f.number === fieldNumber);
    const fieldPath = describeField(field, fieldNumber, path, repeatCounts);
    const fault = (reason: string, detail?: string): WireFault => ({
      offset: tagStart,
      reason: `${reason} in field ${fieldPath}${detail === undefined ? "" : `: ${detail}`}`,
      path: field ? fieldPath : path,
    });
    offset += tag.length;
    switch (wireType) {
      case 0: {
        const value = readVarintPrefix(view, offset);
        if (value.kind !== "complete") return fault(value.kind === "incomplete" ? "unexpected end of input" : "invalid varint");
        offset += value.length;
        break;
      }
      case 1:
      case 5:
        offset += wireType === 1 ? 8 : 4;
        if (offset > end) return fault("unexpected end of input");
        break;
      case 2: {
        const length = readVarintPrefix(view, offset);
        if (length.kind !== "complete") return fault(length.kind === "incomplete" ? "unexpected end of input in a length" : "invalid varint in a length");
        const dataStart = offset + length.length;
        const dataEnd = dataStart + length.value;
        if (dataEnd > end) return fault("unexpected end of input", `it declares ${length.value} bytes but only ${end - dataStart} remain`);
        const inner = field ? walkLengthDelimited(field, bytes, dataStart, dataEnd, fieldPath, depth) : undefined;
        if (inner !== undefined) return inner.offset < 0 ? { ...fault(inner.reason), offset: tagStart } : inner;
        offset = dataEnd;
        break;
      }
      case 3: {
        const groupEnd = skipGroup(view, offset, fieldNumber, depth);
        if (groupEnd < 0) return fault("unterminated group");
        offset = groupEnd;
        break;
      }
      default:
        return fault(`invalid wire type ${wireType}`);
    }
  }
  return undefined;
}

/** Checks the contents of a known length-delimited field: nested messages recursively, strings for UTF-8. */
function walkLengthDelimited(field: DescField, bytes: Uint8Array, start: number, end: number, path: string, depth: number): WireFault | undefined {
  const message = field.fieldKind === "message" || (field.fieldKind === "list" && field.listKind === "message") ? field.message : undefined;
  if (message !== undefined) return walkMessage(message, bytes, start, end, path, depth + 1);
  const isString = (field.fieldKind === "scalar" || (field.fieldKind === "list" && field.listKind === "scalar")) && field.scalar === ScalarType.STRING;
  if (isString && findInvalidUtf8(bytes.subarray(start, end)) >= 0) {
    // offset -1: reported at the field's tag by the caller.
    return { offset: -1, reason: "invalid UTF-8", path };
  }
  return undefined;
}

/** Skips a group (wire type 3) up to its matching end tag; returns the offset after it, or -1. */
function skipGroup(bytes: Uint8Array, start: number, fieldNumber: number, depth: number): number {
  if (depth > MAX_DEPTH) return -1;
  let offset = start;
  while (offset < bytes.length) {
    const tag = readVarintPrefix(bytes, offset);
    if (tag.kind !== "complete") return -1;
    offset += tag.length;
    const number = Math.floor(tag.value / 8);
    const wireType = tag.value % 8;
    if (wireType === 4) return number === fieldNumber ? offset : -1;
    if (wireType === 0) {
      const value = readVarintPrefix(bytes, offset);
      if (value.kind !== "complete") return -1;
      offset += value.length;
    } else if (wireType === 1 || wireType === 5) offset += wireType === 1 ? 8 : 4;
    else if (wireType === 2) {
      const length = readVarintPrefix(bytes, offset);
      if (length.kind !== "complete") return -1;
      offset += length.length + length.value;
    } else if (wireType === 3) {
      offset = skipGroup(bytes, offset, number, depth + 1);
      if (offset < 0) return -1;
    } else return -1;
  }
  return -1;
}

/** `events[2]` for the third `events` element, `connection` for a singular field, `9 (unknown)` for an undeclared one. */
function describeField(field: DescField | undefined, fieldNumber: number, parent: string, repeatCounts: Map<number, number>): string {
  const prefix = parent === "" ? "" : `${parent}.`;
  if (field === undefined) return `${prefix}${fieldNumber} (unknown)`;
  if (field.fieldKind !== "list") return `${prefix}${field.name}`;
  const index = repeatCounts.get(fieldNumber) ?? 0;
  repeatCounts.set(fieldNumber, index + 1);
  return `${prefix}${field.name}[${index}]`;
}

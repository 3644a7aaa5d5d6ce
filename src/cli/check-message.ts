import type { DescMessage } from "@bufbuild/protobuf";
import type { ReadMessage, Format } from "../codec/index.js";
import { TraceSchema, type Trace } from "../index.js";
import { traceWarnings } from "../tap/index.js";
import { validate, validateBinary, validateJson, type InputPosition, type Violation } from "../validate/index.js";

/** The findings about one message, with positions made absolute in its file. */
export interface MessageFindings {
  readonly violations: readonly Violation[];
  readonly warnings: readonly Violation[];
}

/**
 * Checks one message read from a file with the validator that sees the most
 * of its encoding: `validateBinary` on the message's own bytes (it finds
 * wire faults, such as two members of a oneof, that decoding hides),
 * `validateJson` on its JSON text (it finds JSON faults and gives
 * line:column), the rule engine for text. Those positions are relative to
 * the message, so they are shifted by where the message starts in the file.
 * Traces also get the relational checks of `traceWarnings`.
 */
export function checkMessage<Desc extends DescMessage>(
  schema: Desc,
  item: ReadMessage<Desc>,
  format: Format,
): MessageFindings {
  let result;
  let shift: (position: InputPosition) => InputPosition = (p) => p;
  if (item.bytes !== undefined && (format === "binary" || format === "delimited")) {
    result = validateBinary(schema, item.bytes);
    const start = messageStartOffset(item, format);
    shift = (p) => ("offset" in p ? { offset: start + p.offset } : p);
  } else if (item.json !== undefined) {
    result = validateJson(schema, item.json.text);
    const { line, column } = item.json;
    shift = (p) => ("line" in p ? { line: line + p.line - 1, column: p.line === 1 ? column + p.column - 1 : p.column } : p);
  } else {
    result = validate(schema, item.message);
  }
  const place = (v: Violation): Violation => ({ ...v, position: v.position !== undefined ? shift(v.position) : item.position });
  const warnings = [...result.warnings];
  if (schema.typeName === TraceSchema.typeName) warnings.push(...traceWarnings(item.message as Trace));
  return { violations: byPosition(result.violations.map(place)), warnings: byPosition(warnings.map(place)) };
}

/**
 * Orders findings as they appear in the file, so that output reads top to
 * bottom; the sort is stable, keeping the validator's order at one position.
 */
function byPosition(violations: Violation[]): Violation[] {
  const key = (v: Violation): [number, number] => {
    const p = v.position;
    if (p === undefined) return [0, 0];
    return "offset" in p ? [p.offset, 0] : [p.line, p.column];
  };
  return violations.sort((a, b) => {
    const [a1, a2] = key(a);
    const [b1, b2] = key(b);
    return a1 - b1 || a2 - b2;
  });
}

/**
 * The byte offset of the message's first byte in the file. The reader gives
 * where a size-delimited message's frame starts, its varint length prefix
 * included; the bytes it hands out (and the offsets `validateBinary` reports
 * in them) start after that prefix.
 */
function messageStartOffset(item: ReadMessage<DescMessage>, format: Format): number {
  const start = "offset" in item.position ? item.position.offset : 0;
  return format === "delimited" ? start + varintSize(item.bytes?.length ?? 0) : start;
}

function varintSize(value: number): number {
  let size = 1;
  while (value >= 0x80) {
    value = Math.floor(value / 0x80);
    size++;
  }
  return size;
}

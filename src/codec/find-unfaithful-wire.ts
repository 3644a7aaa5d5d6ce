import { ScalarType, type DescField, type DescMessage, type Registry } from "@bufbuild/protobuf";
import { WireType } from "@bufbuild/protobuf/wire";

/**
 * A shape of binary input on which protobuf-es's `fromBinary` and Google's
 * reference runtime (C++, which Envoy uses) disagree: Google refuses it
 * while protobuf-es reads something, or both read it but to different
 * values. The package refuses such input by name instead of returning a
 * silently different message.
 */
export interface UnfaithfulWire {
  /**
   * The rule id: `wire.truncated`, `wire.invalid_length`, `wire.invalid_varint`,
   * `wire.invalid_tag`, `wire.invalid_wire_type`, `wire.invalid_group`,
   * `wire.wire_type_mismatch`, `wire.map_entry_field`,
   * `wire.map_entry_repeated_value`, `wire.forbidden_key`, `wire.struct_unrepresentable`,
   * `wire.invalid_utf8` or `wire.any_payload`.
   */
  readonly ruleId: string;
  readonly reason: string;
  /** Offset of the faulty value or tag, relative to the first byte of the bytes given. */
  readonly offset: number;
  /** The proto field path (`node.metadata`, `details[0]`), empty for the message itself. */
  readonly path: string;
}

const STRUCT = "google.protobuf.Struct";
const VALUE = "google.protobuf.Value";
const ANY = "google.protobuf.Any";
const TIMESTAMP = "google.protobuf.Timestamp";
const DURATION = "google.protobuf.Duration";
const WIRE_TYPE_NAMES = ["varint", "fixed64", "length-delimited", "start-group", "end-group", "fixed32"];
const strictUtf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/** How deep messages packed in `Any` are followed (each level is a whole message walk). */
const MAX_ANY_DEPTH = 20;

class Fault {
  constructor(
    readonly ruleId: string,
    readonly reason: string,
    readonly offset: number,
    readonly path: string,
  ) {}
}

/**
 * Finds the first shape in `bytes` (a `schema` message) on which
 * protobuf-es and Google's runtime part ways, or `undefined`. Google's
 * parser (protobuf 3.21, `parse_context.h`) differs from protobuf-es on:
 *
 * - a length prefix longer than 5 bytes or of 2^31 or more, a tag longer
 *   than 5 bytes, a varint longer than 10 bytes: Google refuses;
 * - a value (varint, fixed, length-delimited) that runs past the end of
 *   its enclosing message: Google refuses, protobuf-es reads on;
 * - a known field with a wire type its type never uses: Google keeps it as
 *   an unknown field, protobuf-es reads the bytes as the field's type;
 * - inside a map entry, a field other than key and value, or key or value
 *   with the wrong wire type (Google skips them, protobuf-es misreads), and
 *   a message value written twice (Google merges the two, protobuf-es
 *   keeps the last);
 * - a `google.protobuf.Struct` field (protobuf-es holds it as a plain JSON
 *   object): an unknown field anywhere inside, a `Value` with no kind or a
 *   `null_value` other than 0 are lost in the JSON object;
 * - field number 0, wire types 6 and 7, unmatched group tags, invalid
 *   UTF-8 in a string field: Google refuses (protobuf-es mostly too).
 *
 * Nesting is counted as Google's runtime counts it (each message, group
 * and map entry is a level), up to `depthLimit` (Google's default, 100).
 *
 * With a `registry`, the message packed in an `Any` of a type it knows is
 * walked the same way: a payload that does not decode faithfully is
 * `wire.any_payload` (JSON and text output print the packed message).
 */
export function findUnfaithfulWire(schema: DescMessage, bytes: Uint8Array, registry?: Registry, depthLimit = 100, printable = false): UnfaithfulWire | undefined {
  try {
    new Walk(bytes, registry, 0, depthLimit, printable).message(schema, 0, bytes.length, -1, "", false, 0);
    return undefined;
  } catch (error) {
    if (error instanceof Fault) return { ruleId: error.ruleId, reason: error.reason, offset: error.offset, path: error.path };
    throw error;
  }
}

class Walk {
  pos = 0;
  constructor(
    private readonly bytes: Uint8Array,
    private readonly registry: Registry | undefined,
    private readonly anyDepth: number,
    private readonly depthLimit: number,
    /** Also refuse values no JSON printer can show (`timestamp.valid`, `duration.valid`, `value.valid`); see `findUnprintable` in validate/. */
    private readonly printable: boolean,
  ) {}

  /**
   * Walks fields until `end` (or the end-group tag of `groupNumber`).
   * `json` is true inside a Struct that protobuf-es holds as a JSON object.
   */
  message(schema: DescMessage | undefined, start: number, end: number, groupNumber: number, path: string, json: boolean, depth: number): void {
    this.pos = start;
    // As Google's runtime counts: every nested message, group and map entry is a level.
    if (depth > this.depthLimit) throw new Fault("wire.depth_limit", `messages nest deeper than ${this.depthLimit} levels`, start, path);
    const counts = new Map<number, number>();
    let typeUrl: string | undefined;
    let anyValue: [number, number] | undefined;
    let hasKind = false;
    const time = this.printable && (schema?.typeName === TIMESTAMP || schema?.typeName === DURATION) ? { seconds: 0n, nanos: 0 } : undefined;
    while (this.pos < end) {
      const tagOffset = this.pos;
      const tag = this.tag(end, path);
      const number = tag >>> 3;
      const wireType = tag & 7;
      if (wireType === WireType.EndGroup) {
        if (number === groupNumber) {
          this.kindCheck(schema, json, hasKind, start, path);
          this.timeCheck(schema, time, start, path);
          return;
        }
        throw new Fault("wire.invalid_group", `end-group tag for field ${number} without a matching start-group`, tagOffset, path);
      }
      if (wireType > 5) throw new Fault("wire.invalid_wire_type", `invalid wire type ${wireType} for field ${number}`, tagOffset, path);
      if (number === 0) throw new Fault("wire.invalid_tag", "field number 0 is not allowed", tagOffset, path);
      const field = schema?.fields.find((f) => f.number === number);
      if (field === undefined) {
        if (json) throw new Fault("wire.struct_unrepresentable", `unknown field ${number} inside a google.protobuf.Struct field, which is held as a JSON object`, tagOffset, path);
        this.skip(wireType, number, end, path, depth);
        continue;
      }
      const fieldPath = this.fieldPath(path, field, counts);
      if (!wireTypeFits(field, wireType)) {
        throw new Fault("wire.wire_type_mismatch", `field ${field.name} has wire type ${WIRE_TYPE_NAMES[wireType]}; Google's runtime keeps it as an unknown field, protobuf-es would misread it`, tagOffset, fieldPath);
      }
      if (schema!.typeName === VALUE && field.oneof !== undefined) hasKind = true;
      if (time !== undefined && wireType === WireType.Varint) {
        const value = this.varint(end, fieldPath);
        if (number === 1) time.seconds = BigInt.asIntN(64, value);
        else time.nanos = Number(BigInt.asIntN(32, value));
        continue;
      }
      if (this.printable && schema!.typeName === VALUE && field.name === "number_value" && this.pos + 8 <= end) {
        const high = this.bytes[this.pos + 7]! & 0x7f;
        const next = this.bytes[this.pos + 6]! >> 4;
        if (high === 0x7f && next === 0x0f) throw new Fault("value.valid", "number is NaN or infinite, which JSON cannot hold", this.pos, fieldPath);
      }
      if (json && schema!.typeName === VALUE && field.name === "null_value") {
        const valueStart = this.pos;
        if (this.varint(end, fieldPath) !== 0n) throw new Fault("wire.struct_unrepresentable", "null_value other than NULL_VALUE inside a google.protobuf.Struct field", valueStart, fieldPath);
        continue;
      }
      if (schema!.typeName === ANY && this.registry !== undefined && wireType === WireType.LengthDelimited) {
        const valueEnd = this.length(end, fieldPath);
        if (number === 1) typeUrl = this.utf8(this.pos, valueEnd, fieldPath);
        else anyValue = [this.pos, valueEnd];
        this.pos = valueEnd;
        continue;
      }
      this.value(field, wireType, end, fieldPath, json || isJsonHeld(field), depth);
    }
    if (this.pos > end) throw new Fault("wire.invalid_length", "a value runs past the end of its enclosing message", end, path);
    if (groupNumber !== -1) throw new Fault("wire.invalid_group", `group of field ${groupNumber} is not terminated`, end, path);
    this.kindCheck(schema, json, hasKind, start, path);
    this.timeCheck(schema, time, start, path);
    if (anyValue !== undefined || typeUrl !== undefined) this.packed(typeUrl ?? "", anyValue ?? [start, start], path, depth);
  }

  private timeCheck(schema: DescMessage | undefined, time: { seconds: bigint; nanos: number } | undefined, start: number, path: string): void {
    if (time === undefined) return;
    const { seconds, nanos } = time;
    if (schema!.typeName === TIMESTAMP) {
      if (seconds < -62_135_596_800n || seconds > 253_402_300_799n || nanos < 0 || nanos > 999_999_999) throw new Fault("timestamp.valid", "value is not a valid timestamp", start, path);
    } else if (seconds < -315_576_000_000n || seconds > 315_576_000_000n || nanos < -999_999_999 || nanos > 999_999_999 || (seconds > 0n && nanos < 0) || (seconds < 0n && nanos > 0)) {
      throw new Fault("duration.valid", "value is not a valid duration", start, path);
    }
  }

  private kindCheck(schema: DescMessage | undefined, json: boolean, hasKind: boolean, start: number, path: string): void {
    if (this.printable && !json && schema?.typeName === VALUE && !hasKind) throw new Fault("value.valid", "value has no kind", start, path);
    if (json && schema?.typeName === VALUE && !hasKind) {
      throw new Fault("wire.struct_unrepresentable", "a google.protobuf.Value with no kind inside a google.protobuf.Struct field, which is held as a JSON object", start, path);
    }
  }

  /** Walks the message an Any packs, when the registry knows its type. */
  private packed(typeUrl: string, [start, end]: [number, number], path: string, depth: number): void {
    const packed = this.registry!.getMessage(typeUrl.slice(typeUrl.lastIndexOf("/") + 1));
    if (packed === undefined) return;
    if (this.anyDepth >= MAX_ANY_DEPTH) throw new Fault("wire.any_payload", `messages packed in google.protobuf.Any nest deeper than ${MAX_ANY_DEPTH} levels`, start, path);
    const inner = new Walk(this.bytes.subarray(start, end), this.registry, this.anyDepth + 1, this.depthLimit, this.printable);
    try {
      inner.message(packed, 0, end - start, -1, "", false, depth + 1);
    } catch (error) {
      if (!(error instanceof Fault)) throw error;
      const where = error.path === "" ? path : path === "" ? error.path : `${path}.${error.path}`;
      throw new Fault("wire.any_payload", `the ${packed.typeName} packed in google.protobuf.Any does not decode faithfully (${error.ruleId}: ${error.reason})`, start + error.offset, where);
    }
  }

  /** Walks one value of a known field whose wire type fits. */
  private value(field: DescField, wireType: number, end: number, path: string, json: boolean, depth: number): void {
    switch (wireType) {
      case WireType.Varint:
        this.varint(end, path);
        return;
      case WireType.Bit64:
      case WireType.Bit32:
        this.fixed(wireType === WireType.Bit64 ? 8 : 4, end, path);
        return;
      case WireType.StartGroup:
        this.message(field.message, this.pos, end, field.number, path, json, depth + 1);
        return;
    }
    const valueEnd = this.length(end, path);
    const valueStart = this.pos;
    if (field.fieldKind === "map") this.mapEntry(field, valueStart, valueEnd, path, json, depth + 1);
    else if (field.message !== undefined) this.message(field.message, valueStart, valueEnd, -1, path, json, depth + 1);
    else if (isString(field)) this.utf8(valueStart, valueEnd, path);
    else if (isPackable(field)) this.packedScalars(field, valueStart, valueEnd, path);
    this.pos = valueEnd;
  }

  private mapEntry(field: DescField & { fieldKind: "map" }, start: number, end: number, path: string, json: boolean, depth: number): void {
    let valueSeen = false;
    let key: string | undefined;
    while (this.pos < end) {
      const tagOffset = this.pos;
      const tag = this.tag(end, path);
      const number = tag >>> 3;
      const wireType = tag & 7;
      if (number !== 1 && number !== 2) {
        throw new Fault("wire.map_entry_field", `field ${number} in a map entry of ${field.name}: only the key (1) and the value (2) are read there`, tagOffset, path);
      }
      const expected = number === 1 ? scalarWireType(field.mapKey) : field.mapKind === "message" ? WireType.LengthDelimited : field.mapKind === "enum" ? WireType.Varint : scalarWireType(field.scalar);
      if (wireType !== expected) {
        throw new Fault("wire.wire_type_mismatch", `map ${number === 1 ? "key" : "value"} of ${field.name} has wire type ${WIRE_TYPE_NAMES[wireType]}; expected ${WIRE_TYPE_NAMES[expected]}`, tagOffset, path);
      }
      if (number === 2 && field.mapKind === "message") {
        if (valueSeen) {
          throw new Fault("wire.map_entry_repeated_value", `the message value of a map entry of ${field.name} is written twice; Google's runtime merges the two, protobuf-es keeps the last`, tagOffset, path);
        }
        valueSeen = true;
        const valueEnd = this.length(end, path);
        this.message(field.message, this.pos, valueEnd, -1, path, json, depth + 1);
        this.pos = valueEnd;
        continue;
      }
      if (wireType === WireType.LengthDelimited) {
        const valueEnd = this.length(end, path);
        const scalar = number === 1 ? field.mapKey : field.mapKind === "scalar" ? field.scalar : undefined;
        if (scalar === ScalarType.STRING) {
          const text = this.utf8(this.pos, valueEnd, path);
          if (number === 1) key = text;
        }
        this.pos = valueEnd;
      } else if (wireType === WireType.Varint) this.varint(end, path);
      else this.fixed(wireType === WireType.Bit64 ? 8 : 4, end, path);
    }
    if (key === "__proto__") {
      throw new Fault("wire.forbidden_key", 'the map key "__proto__" is not accepted (it cannot be stored safely)', start, `${path}["__proto__"]`);
    }
    if (json && field.mapKind === "message" && !valueSeen) {
      throw new Fault("wire.struct_unrepresentable", `a map entry of ${field.name} without a value inside a google.protobuf.Struct field (a Value with no kind)`, start, path);
    }
  }

  private packedScalars(field: DescField, start: number, end: number, path: string): void {
    const scalar = field.fieldKind === "list" && field.listKind === "enum" ? ScalarType.INT32 : (field as { scalar: ScalarType }).scalar;
    const wireType = scalarWireType(scalar);
    this.pos = start;
    while (this.pos < end) {
      if (wireType === WireType.Varint) this.varint(end, path);
      else this.fixed(wireType === WireType.Bit64 ? 8 : 4, end, path);
    }
  }

  /** Skips an unknown field's value as Google's runtime reads it. */
  private skip(wireType: number, number: number, end: number, path: string, depth: number): void {
    switch (wireType) {
      case WireType.Varint:
        this.varint(end, path);
        return;
      case WireType.Bit64:
      case WireType.Bit32:
        this.fixed(wireType === WireType.Bit64 ? 8 : 4, end, path);
        return;
      case WireType.LengthDelimited:
        this.pos = this.length(end, path);
        return;
      default:
        this.message(undefined, this.pos, end, number, path, false, depth + 1);
    }
  }

  /** A tag: at most 5 bytes, as Google's `ReadTag` reads it. */
  private tag(end: number, path: string): number {
    const start = this.pos;
    let result = 0;
    for (let i = 0; i < 5; i++) {
      if (this.pos >= end) throw this.pastEnd(start, end, "the data ends inside a tag", path);
      const byte = this.bytes[this.pos++]!;
      result += (byte & 0x7f) * 2 ** (7 * i);
      if (byte < 0x80) return result % 2 ** 32;
    }
    throw new Fault("wire.invalid_tag", "tag varint is longer than 5 bytes", start, path);
  }

  /** A varint of at most 10 bytes; its value modulo 2^64. */
  private varint(end: number, path: string): bigint {
    const start = this.pos;
    let result = 0n;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= end) throw this.pastEnd(start, end, "the data ends inside a varint", path);
      const byte = this.bytes[this.pos++]!;
      result |= BigInt(byte & 0x7f) << BigInt(7 * i);
      if (byte < 0x80) return BigInt.asUintN(64, result);
    }
    throw new Fault("wire.invalid_varint", "varint is longer than 10 bytes", start, path);
  }

  private fixed(size: number, end: number, path: string): void {
    if (this.pos + size > end) throw this.pastEnd(this.pos, end, `the data ends inside a ${size * 8}-bit value`, path);
    this.pos += size;
  }

  /** A length prefix as Google's `ReadSize` reads it (at most 5 bytes, below 2^31); returns where the value ends. */
  private length(end: number, path: string): number {
    const start = this.pos;
    let length = 0;
    for (let i = 0; ; i++) {
      if (i === 5) throw new Fault("wire.invalid_length", "length prefix is longer than 5 bytes (Google's runtime refuses it)", start, path);
      if (this.pos >= end) throw this.pastEnd(start, end, "the data ends inside a length prefix", path);
      const byte = this.bytes[this.pos++]!;
      length += (byte & 0x7f) * 2 ** (7 * i);
      if (byte < 0x80) break;
    }
    if (length >= 2 ** 31) throw new Fault("wire.invalid_length", "length does not fit in 31 bits (Google's runtime refuses it)", start, path);
    const valueEnd = this.pos + length;
    if (valueEnd > end) {
      throw end === this.bytes.length
        ? new Fault("wire.truncated", `length-delimited value of ${length} bytes runs past the end of the data`, start, path)
        : new Fault("wire.invalid_length", `length-delimited value of ${length} bytes runs past the end of its enclosing message`, start, path);
    }
    return valueEnd;
  }

  private utf8(start: number, end: number, path: string): string {
    try {
      return strictUtf8.decode(this.bytes.subarray(start, end));
    } catch {
      throw new Fault("wire.invalid_utf8", "string field holds invalid UTF-8", start, path);
    }
  }

  private pastEnd(start: number, end: number, message: string, path: string): Fault {
    return end === this.bytes.length
      ? new Fault("wire.truncated", message, start, path)
      : new Fault("wire.invalid_length", "a value runs past the end of its enclosing message", start, path);
  }

  private fieldPath(parent: string, field: DescField, counts: Map<number, number>): string {
    const name = parent === "" ? field.name : `${parent}.${field.name}`;
    if (field.fieldKind !== "list") return name;
    const index = counts.get(field.number) ?? 0;
    counts.set(field.number, index + 1);
    return `${name}[${index}]`;
  }
}

/** Whether protobuf-es holds this field as a plain JSON object (a Struct outside google.protobuf.Value). */
function isJsonHeld(field: DescField): boolean {
  return field.message?.typeName === STRUCT && field.parent.typeName !== VALUE && field.fieldKind === "message";
}

function isString(field: DescField): boolean {
  return (field.fieldKind === "scalar" || (field.fieldKind === "list" && field.listKind === "scalar")) && field.scalar === ScalarType.STRING;
}

function isPackable(field: DescField): boolean {
  if (field.fieldKind !== "list") return false;
  if (field.listKind === "enum") return true;
  return field.listKind === "scalar" && field.scalar !== ScalarType.STRING && field.scalar !== ScalarType.BYTES;
}

function wireTypeFits(field: DescField, wireType: number): boolean {
  switch (field.fieldKind) {
    case "message":
      return wireType === (field.delimitedEncoding ? WireType.StartGroup : WireType.LengthDelimited);
    case "map":
      return wireType === WireType.LengthDelimited;
    case "enum":
      return wireType === WireType.Varint;
    case "scalar":
      return wireType === scalarWireType(field.scalar);
    case "list":
      if (field.listKind === "message") return wireType === (field.delimitedEncoding ? WireType.StartGroup : WireType.LengthDelimited);
      if (field.listKind === "enum") return wireType === WireType.Varint || wireType === WireType.LengthDelimited;
      return wireType === scalarWireType(field.scalar) || (isPackable(field) && wireType === WireType.LengthDelimited);
  }
}

function scalarWireType(scalar: ScalarType): WireType {
  switch (scalar) {
    case ScalarType.STRING:
    case ScalarType.BYTES:
      return WireType.LengthDelimited;
    case ScalarType.DOUBLE:
    case ScalarType.FIXED64:
    case ScalarType.SFIXED64:
      return WireType.Bit64;
    case ScalarType.FLOAT:
    case ScalarType.FIXED32:
    case ScalarType.SFIXED32:
      return WireType.Bit32;
    default:
      return WireType.Varint;
  }
}

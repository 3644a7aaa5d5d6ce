import type { DescField, DescMessage } from "@bufbuild/protobuf";
import { BinaryReader, WireType } from "@bufbuild/protobuf/wire";
import { registry } from "../../src/registry.js";

/**
 * A binary message as a tree of fields, so that mutations can edit a field
 * anywhere and serialization recomputes every enclosing length. Test
 * support only: it reads valid seed payloads with protobuf-es's reader.
 */
export interface WireField {
  number: number;
  wireType: number;
  /** Extra continuation bytes written into the tag varint (over-long encoding). */
  tagPadding: number;
  value: WireValue;
}

export type WireValue =
  /** A varint or fixed value's bytes as written, or a length-delimited value's content. */
  | { kind: "raw"; bytes: Uint8Array }
  /** A length-delimited message (or map entry, or packed Any value), or a group's fields. */
  | { kind: "message"; fields: WireField[]; typeName: string | undefined };

/** How a length-delimited value's prefix is written. */
export interface LengthStyle {
  /** Extra continuation bytes in the length varint. */
  padding: number;
  /** Added to the true length (a lie, to see lengths past the end). */
  delta: number;
}

export const lengthStyles = new WeakMap<WireField, LengthStyle>();

/** Parses valid bytes of `schema` (descending into messages, map entries and known `Any` payloads). */
export function parseTree(schema: DescMessage | undefined, bytes: Uint8Array): WireField[] {
  const reader = new BinaryReader(bytes);
  const fields: WireField[] = [];
  while (reader.pos < bytes.length) {
    const [number, wireType] = reader.tag();
    const start = reader.pos;
    reader.skip(wireType, number);
    const raw = bytes.subarray(start, reader.pos);
    const field = schema?.fields.find((f) => f.number === number);
    if (wireType === WireType.LengthDelimited) {
      const content = new BinaryReader(raw).bytes();
      fields.push({ number, wireType, tagPadding: 0, value: lengthDelimitedValue(schema, field, content, fields) });
    } else if (wireType === WireType.StartGroup) {
      fields.push({ number, wireType, tagPadding: 0, value: { kind: "message", fields: parseTree(undefined, raw.subarray(0, raw.length - tagLength(number))), typeName: undefined } });
    } else {
      fields.push({ number, wireType, tagPadding: 0, value: { kind: "raw", bytes: raw } });
    }
  }
  return fields;
}

function tagLength(number: number): number {
  return varint(BigInt((number << 3) | WireType.EndGroup)).length;
}

function lengthDelimitedValue(schema: DescMessage | undefined, field: DescField | undefined, content: Uint8Array, siblings: readonly WireField[]): WireValue {
  if (schema?.typeName === "google.protobuf.Any" && field?.number === 2) {
    const urlField = siblings.find((f) => f.number === 1 && f.value.kind === "raw");
    const url = urlField === undefined ? "" : new TextDecoder().decode((urlField.value as { bytes: Uint8Array }).bytes);
    const packed = registry.getMessage(url.slice(url.lastIndexOf("/") + 1));
    if (packed !== undefined) return { kind: "message", fields: parseTree(packed, content), typeName: packed.typeName };
    return { kind: "raw", bytes: content };
  }
  if (field?.fieldKind === "map") {
    const valueMessage = field.mapKind === "message" ? field.message : undefined;
    const entry = parseTree(undefined, content);
    for (const part of entry) {
      if (part.number === 2 && valueMessage !== undefined && part.value.kind === "raw") {
        part.value = { kind: "message", fields: parseTree(valueMessage, part.value.bytes), typeName: valueMessage.typeName };
      }
    }
    return { kind: "message", fields: entry, typeName: undefined };
  }
  if (field?.message !== undefined) return { kind: "message", fields: parseTree(field.message, content), typeName: field.message.typeName };
  return { kind: "raw", bytes: content };
}

/** Serializes a tree, with every length recomputed (or lied about, per {@link lengthStyles}). */
export function serializeTree(fields: readonly WireField[]): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const field of fields) writeField(field, parts);
  return concat(parts);
}

function writeField(field: WireField, parts: Uint8Array[]): void {
  parts.push(varint(BigInt(field.number) * 8n + BigInt(field.wireType & 7), field.tagPadding));
  const content = field.value.kind === "raw" ? field.value.bytes : serializeTree(field.value.fields);
  if (field.wireType === WireType.LengthDelimited) {
    const style = lengthStyles.get(field);
    const length = Math.max(0, content.length + (style?.delta ?? 0));
    parts.push(varint(BigInt(length), style?.padding ?? 0));
    parts.push(content);
  } else if (field.wireType === WireType.StartGroup) {
    parts.push(content);
    parts.push(varint(BigInt(field.number) * 8n + BigInt(WireType.EndGroup)));
  } else {
    parts.push(content);
  }
}

/** A varint of `value`, with `padding` redundant continuation bytes (0x80 ... 0x00). */
export function varint(value: bigint, padding = 0): Uint8Array {
  const out: number[] = [];
  let rest = BigInt.asUintN(64, value);
  do {
    const low = Number(rest & 0x7fn);
    rest >>= 7n;
    out.push(rest > 0n ? low | 0x80 : low);
  } while (rest > 0n);
  if (padding > 0) {
    out[out.length - 1]! |= 0x80;
    for (let i = 1; i < padding; i++) out.push(0x80);
    out.push(0x00);
  }
  return Uint8Array.from(out);
}

export function concat(parts: readonly Uint8Array[]): Uint8Array {
  let size = 0;
  for (const p of parts) size += p.length;
  const out = new Uint8Array(size);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** A deep copy (mutations edit in place). */
export function cloneTree(fields: readonly WireField[]): WireField[] {
  return fields.map((f) => {
    const copy: WireField = {
      number: f.number,
      wireType: f.wireType,
      tagPadding: f.tagPadding,
      value: f.value.kind === "raw" ? { kind: "raw", bytes: f.value.bytes } : { kind: "message", fields: cloneTree(f.value.fields), typeName: f.value.typeName },
    };
    const style = lengthStyles.get(f);
    if (style !== undefined) lengthStyles.set(copy, { ...style });
    return copy;
  });
}

/** Every field of a tree with the list that holds it, depth first. */
export function allFields(fields: WireField[], out: { field: WireField; siblings: WireField[] }[] = []): { field: WireField; siblings: WireField[] }[] {
  for (const field of fields) {
    out.push({ field, siblings: fields });
    if (field.value.kind === "message") allFields(field.value.fields, out);
  }
  return out;
}

/** Every field list of a tree (the message bodies a field can be added to). */
export function allBodies(fields: WireField[], out: WireField[][] = []): WireField[][] {
  out.push(fields);
  for (const field of fields) if (field.value.kind === "message") allBodies(field.value.fields, out);
  return out;
}
